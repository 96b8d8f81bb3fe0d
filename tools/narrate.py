#!/usr/bin/env python3
"""Speaks the words of Stillpoint's sessions with an offline text-to-speech voice.

Two kinds of clips are made:

- **Recordings of narration and closing steps.** For every `Narration(...)` and `Closing(...)`
  step in `assets/sessions/*.session.ron` (or in the session files given as arguments) the
  step's `text` becomes `assets/narration/<session-id>/<NN>-<kind>.ogg` (NN is the step's
  position from 01, kind is `narration` or `closing`), and the step's `audio:` setting is
  pointed at it: replaced when the setting is there, added after the `text:` line when it is
  not. Nothing else in the session file changes: comments, spacing and order stay byte for
  byte.
- **The voice of every prompt the patient follows**: grounding and body-scan prompts, check-in
  questions, intention prompts, breathing and rest captions. Stillpoint itself says which
  texts these are (`stillpoint spoken-prompts`, which needs a build of the program) and where
  each clip goes: `assets/voice/<hash of the words>.ogg`. The app plays the clip whenever its
  words show; words without a clip show as a caption only. Run over every session, clips no
  session uses any more are removed.

Each clip is spoken slowly and calmly, trimmed, with pauses between sentences, peak-normalized
to -3 dBFS, with 0.3 s of silence before and 0.5 s after (and short fades, so nothing clicks),
and written as mono OGG Vorbis. For recordings, the script prints each clip with its length and
the step's length, and warns when the step would cut the voice off. Step lengths and texts are
never changed; shorten the text or lengthen the step by hand.

Regeneration is incremental: `assets/narration/manifest.json` maps each clip to a SHA-256 of
the voice, the settings and the text it was made from, and a clip whose hash still matches is
kept as it is; `--force` makes every clip again regardless.

The voice is Festival's `cmu_us_slt_arctic_hts` (a US English female voice trained on the CMU
ARCTIC "slt" recordings), from Debian's `festvox-us-slt-hts`, spoken by Festival's
`text2wave`. Both are free software that may be redistributed for any purpose, commercial use
included; see the "narration" section of assets/LICENSES.md. `--voice NAME` speaks with another
installed Festival voice (e.g. `--voice cmu_us_awb_cg`): read its licence before shipping.

Requirements (Debian 12/13 or Ubuntu 24.04; no network is used once these are installed):

    sudo apt install festival festvox-us-slt-hts python3-venv
    python3 -m venv ~/.local/share/stillpoint-narrate
    ~/.local/share/stillpoint-narrate/bin/pip install soundfile numpy

`soundfile`'s wheels bundle libsndfile built with Vorbis, so no other system package is needed.

Usage, from anywhere (with the virtual environment's Python):

    ~/.local/share/stillpoint-narrate/bin/python tools/narrate.py            # every session
    ~/.local/share/stillpoint-narrate/bin/python tools/narrate.py a.session.ron  # only these
    ... tools/narrate.py --force                   # make every clip again, even unchanged ones
    ... tools/narrate.py --stillpoint PATH         # the program that lists the prompts
                                                   # (default: the project's debug build)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"
MANIFEST = ASSETS / "narration" / "manifest.json"
VOICE_FOLDER = ASSETS / "voice"

# The Festival voice, and the Debian package it comes in (named in each clip's hash, so a new
# voice or a new release of it regenerates every clip).
DEFAULT_VOICE = "cmu_us_slt_arctic_hts"
VOICE_PACKAGES = {"cmu_us_slt_arctic_hts": "festvox-us-slt-hts"}

# How the voice is spoken and the clip is shaped. Every value is part of each clip's hash, so
# changing one here regenerates all clips on the next run.
SETTINGS = {
    "duration_stretch": 1.22,  # > 1 speaks more slowly: calm, unhurried
    "sentence_pause_s": 0.7,  # silence between sentences
    "lead_in_s": 0.3,  # silence before the first word
    "tail_s": 0.5,  # silence after the last word
    "fade_in_s": 0.01,  # fades at the edges of each sentence, so no sentence starts or ends
    "fade_out_s": 0.03,  # on a click
    "trim_below_db": -45.0,  # quieter than this (relative to the sentence's peak) is silence
    "peak_dbfs": -3.0,  # loudest sample of the clip
    "soften_hz": 7000.0,  # a gentle low-pass above this takes the synthetic edge off the voice
}

# Step lengths Stillpoint uses when a step leaves `duration` out (src/script/model.rs).
CLOSING_DEFAULT_S = 20.0
READING_WORDS_PER_SEC = 2.0
NARRATION_PAUSE_S = 3.0

# The clip must end this long before its step does.
SAFETY_MARGIN_S = 1.0


# --- Reading session files -------------------------------------------------------------------
#
# A tiny RON tokenizer: enough to find the steps and the exact byte span of each setting while
# leaving the file itself untouched. It understands strings (with escapes), raw strings,
# comments and brackets; everything else is passed over as words.

TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<line_comment>//[^\n]*)
    | (?P<block_comment>/\*)
    | (?P<raw_string>r(?P<hashes>\#*)".*?"(?P=hashes))
    | (?P<string>"(?:[^"\\]|\\.)*")
    | (?P<char>'(?:[^'\\]|\\.)+')
    | (?P<punct>[()\[\]{},:#!])
    | (?P<word>[^\s()\[\]{},:"'/#!]+|/)
    """,
    re.VERBOSE | re.DOTALL,
)

ESCAPE = re.compile(r"\\(u\{([0-9a-fA-F]+)\}|x([0-9a-fA-F]{2})|\n\s*|.)", re.DOTALL)
SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "0": "\0", "\\": "\\", '"': '"', "'": "'"}

OPENERS = {"(": ")", "[": "]", "{": "}"}


@dataclass
class Token:
    kind: str  # "string", "punct" or "word"
    start: int  # offset of the first character in the file
    end: int  # offset just past the last character
    text: str  # the token as written


def tokenize(source: str) -> list[Token]:
    """Splits RON source into tokens, dropping whitespace and comments."""
    tokens = []
    position = 0
    while position < len(source):
        match = TOKEN.match(source, position)
        if match is None:
            raise ValueError(f"unreadable RON at offset {position}")
        kind = match.lastgroup  # the outer group's name, even for a raw string
        end = match.end()
        if kind == "block_comment":
            end = _block_comment_end(source, position)
        elif kind in ("string", "raw_string", "char", "punct", "word"):
            token_kind = "string" if kind in ("string", "raw_string") else kind
            tokens.append(Token(token_kind, position, end, match.group()))
        position = end
    return tokens


def _block_comment_end(source: str, start: int) -> int:
    """The offset just past a `/* ... */` comment starting at `start` (RON nests them)."""
    depth = 0
    position = start
    while position < len(source):
        if source.startswith("/*", position):
            depth += 1
            position += 2
        elif source.startswith("*/", position):
            depth -= 1
            position += 2
            if depth == 0:
                return position
        else:
            position += 1
    raise ValueError(f"unclosed /* comment at offset {start}")


def string_value(token: Token) -> str:
    """The text of a RON string token, with escapes resolved."""
    if token.text.startswith("r"):
        return token.text.lstrip("r").strip("#")[1:-1]

    def unescape(match: re.Match[str]) -> str:
        if match.group(2):
            return chr(int(match.group(2), 16))
        if match.group(3):
            return chr(int(match.group(3), 16))
        if match.group(1).startswith("\n"):  # a line continuation: `\` at the end of a line
            return ""
        return SIMPLE_ESCAPES.get(match.group(1), match.group(1))

    return ESCAPE.sub(unescape, token.text[1:-1])


def closing_bracket(tokens: list[Token], index: int) -> int:
    """The index of the bracket that closes the one at `index`."""
    depth = 0
    for position in range(index, len(tokens)):
        text = tokens[position].text if tokens[position].kind == "punct" else ""
        if text in OPENERS:
            depth += 1
        elif text in OPENERS.values():
            depth -= 1
            if depth == 0:
                return position
    raise ValueError(f"unclosed {tokens[index].text!r} at offset {tokens[index].start}")


@dataclass
class Field:
    name: int  # index of the setting's name token
    value_start: int  # index of the first token of its value
    value_end: int  # index of the last token of its value
    comma: int | None  # index of the comma after it, if any


def fields(tokens: list[Token], opener: int) -> dict[str, Field]:
    """The `name: value` settings inside the brackets opened at `opener`, by name."""
    closer = closing_bracket(tokens, opener)
    found = {}
    position = opener + 1
    while position < closer:
        name = tokens[position]
        if name.kind != "word" or tokens[position + 1].text != ":":
            raise ValueError(f"expected a setting name at offset {name.start}")
        value_start = position + 2
        end = value_start
        while end < closer and tokens[end].text != ",":
            end = closing_bracket(tokens, end) + 1 if tokens[end].text in OPENERS else end + 1
        comma = end if end < closer else None
        found[name.text] = Field(position, value_start, end - 1, comma)
        position = end + 1
    return found


def list_items(tokens: list[Token], opener: int) -> list[int]:
    """The index of the first token of each item in the list opened at `opener`."""
    closer = closing_bracket(tokens, opener)
    items = []
    position = opener + 1
    while position < closer:
        items.append(position)
        while position < closer and tokens[position].text != ",":
            if tokens[position].text in OPENERS:
                position = closing_bracket(tokens, position)
            position += 1
        position += 1  # past the comma
    return items


@dataclass
class SpokenStep:
    number: int  # position in the session, from 1
    kind: str  # "narration" or "closing"
    text: str
    duration: str | None  # as written, e.g. "14s"
    text_field: Field
    audio_field: Field | None


def read_session(tokens: list[Token]) -> tuple[str, list[SpokenStep]]:
    """The session's id and its Narration and Closing steps."""
    position = 0
    while tokens[position].text == "#":  # skip `#![enable(...)]` attributes
        position = closing_bracket(tokens, position + 2) + 1
    if tokens[position].kind == "word":  # the optional `Session` struct name
        position += 1
    session = fields(tokens, position)
    session_id = string_value(tokens[session["id"].value_start])
    steps_list = session["steps"].value_start

    steps = []
    for number, first in enumerate(list_items(tokens, steps_list), start=1):
        kind = tokens[first].text
        if kind not in ("Narration", "Closing") or tokens[first + 1].text != "(":
            continue
        settings = fields(tokens, first + 1)
        duration = settings.get("duration")
        steps.append(
            SpokenStep(
                number=number,
                kind=kind.lower(),
                text=string_value(tokens[settings["text"].value_start]),
                duration=string_value(tokens[duration.value_start]) if duration else None,
                text_field=settings["text"],
                audio_field=settings.get("audio"),
            )
        )
    return session_id, steps


def point_audio_at(source: str, tokens: list[Token], steps: list[tuple[SpokenStep, str]]) -> str:
    """The source with each step's `audio:` set to its clip path; nothing else changes."""
    newline = "\r\n" if "\r\n" in source else "\n"
    edits = []  # (start, end, replacement), applied from the end so offsets stay valid
    for step, clip in steps:
        literal = json.dumps(clip)  # clip paths are plain ASCII, so JSON quoting is valid RON
        if step.audio_field is not None:
            value = step.audio_field
            edits.append((tokens[value.value_start].start, tokens[value.value_end].end, literal))
            continue
        text = step.text_field
        name = tokens[text.name]
        line_start = source.rfind("\n", 0, name.start) + 1
        indent = source[line_start : name.start]
        if text.comma is None:
            # `text` is the last setting: add a comma, then the audio setting after it.
            value_end = tokens[text.value_end].end
            edits.append((value_end, value_end, f", audio: {literal}"))
        elif indent.strip() == "" and _rest_of_line_is_blank(source, tokens[text.comma].end):
            # `text:` has a line to itself: add a line below it with the same indentation.
            line_end = source.find("\n", tokens[text.comma].end)
            line_end = len(source) if line_end == -1 else line_end + 1
            insert = f"{indent}audio: {literal},{newline}"
            if line_end == len(source) and not source.endswith("\n"):
                insert = newline + insert
            edits.append((line_end, line_end, insert))
        else:
            # The step is written on one line: add the setting right after `text`'s comma.
            comma_end = tokens[text.comma].end
            edits.append((comma_end, comma_end, f" audio: {literal},"))
    for start, end, replacement in sorted(edits, reverse=True):
        source = source[:start] + replacement + source[end:]
    return source


def _rest_of_line_is_blank(source: str, offset: int) -> bool:
    """Whether only whitespace or a `//` comment follows `offset` on its line."""
    line_end = source.find("\n", offset)
    rest = source[offset : len(source) if line_end == -1 else line_end].strip()
    return rest == "" or rest.startswith("//")


# --- Step lengths ----------------------------------------------------------------------------

DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]*)")
UNIT_SECONDS = {
    "ms": 0.001, "msec": 0.001,
    "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
    "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
}  # fmt: skip


def step_seconds(step: SpokenStep) -> tuple[float, str]:
    """How long the step lasts, and how that length was given."""
    if step.duration is None:
        if step.kind == "closing":
            return CLOSING_DEFAULT_S, "default"
        words = len(step.text.split())
        return words / READING_WORDS_PER_SEC + NARRATION_PAUSE_S, "reading time"
    written = step.duration.strip().lower()
    parts = DURATION_PART.findall(written)
    unreadable = DURATION_PART.sub("", written).strip()
    if not parts or unreadable or any(unit not in UNIT_SECONDS for _, unit in parts):
        raise ValueError(f'step {step.number}: cannot read the duration "{step.duration}"')
    total = sum(float(amount) * UNIT_SECONDS[unit] for amount, unit in parts)
    return total, f'"{step.duration}"'


# --- Speech ----------------------------------------------------------------------------------

SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def voice_name(voice: str) -> str:
    """Identifies the voice: Festival's version and the voice's package version."""
    festival = subprocess.run(
        ["festival", "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    package = VOICE_PACKAGES.get(voice)
    if package is None:
        return f"{voice} ({festival})"
    installed = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Version}", package], capture_output=True, text=True
    ).stdout.strip()
    return f"{voice} ({package} {installed or 'not from a package'}; {festival})"


def clip_hash(voice: str, text: str) -> str:
    """Identifies what a clip was made from: the voice (by name), the settings and the text."""
    recipe = json.dumps({"voice": voice, "settings": SETTINGS, "text": text}, sort_keys=True)
    return hashlib.sha256(recipe.encode("utf-8")).hexdigest()


def festival_sentence(voice: str, sentence: str, folder: Path) -> tuple[np.ndarray, int]:
    """One sentence spoken by Festival's text2wave: mono float samples and their rate."""
    text_file, wave_file = folder / "sentence.txt", folder / "sentence.wav"
    text_file.write_text(sentence + "\n", encoding="utf-8")
    setup = f"(begin (voice_{voice}) (Parameter.set 'Duration_Stretch {SETTINGS['duration_stretch']}))"
    subprocess.run(
        ["text2wave", "-eval", setup, str(text_file), "-o", str(wave_file)],
        check=True,
        capture_output=True,
    )
    samples, rate = soundfile.read(wave_file, dtype="float32", always_2d=True)
    return samples[:, 0], rate


def soften(samples: np.ndarray, rate: int) -> np.ndarray:
    """A gentle low-pass (a short windowed-sinc filter) above `soften_hz`."""
    cutoff = min(SETTINGS["soften_hz"] / rate, 0.49)
    taps = np.arange(-32, 33)
    kernel = 2 * cutoff * np.sinc(2 * cutoff * taps) * np.hamming(len(taps))
    kernel /= kernel.sum()
    return np.convolve(samples, kernel, mode="same").astype(np.float32)


def speak(voice: str, text: str) -> tuple[np.ndarray, int]:
    """The finished clip for `text`: mono float samples and their rate."""
    sentences = [part for part in SENTENCE_END.split(text.strip()) if part.strip()]
    parts, rate = [], 0
    with tempfile.TemporaryDirectory() as folder:
        for sentence in sentences:
            samples, rate = festival_sentence(voice, sentence, Path(folder))
            if parts:
                parts.append(np.zeros(int(SETTINGS["sentence_pause_s"] * rate), dtype=np.float32))
            parts.append(trim_and_fade(soften(samples, rate), rate))
    speech = np.concatenate(parts)
    peak = np.max(np.abs(speech))
    if peak > 0:
        speech *= 10 ** (SETTINGS["peak_dbfs"] / 20) / peak
    lead_in = np.zeros(int(SETTINGS["lead_in_s"] * rate), dtype=np.float32)
    tail = np.zeros(int(SETTINGS["tail_s"] * rate), dtype=np.float32)
    return np.concatenate([lead_in, speech, tail]), rate


def write_clip(clip: str, voice: str, voice_id: str, text: str, manifest: dict, force: bool):
    """Makes `clip` (relative to the assets) unless the manifest says it is up to date;
    returns its length in seconds and what was done."""
    clip_file = ASSETS / clip
    digest = clip_hash(voice_id, text)
    if not force and manifest.get(clip) == digest and clip_file.is_file():
        return soundfile.info(str(clip_file)).duration, "unchanged, skipped"
    samples, rate = speak(voice, text)
    clip_file.parent.mkdir(parents=True, exist_ok=True)
    soundfile.write(clip_file, samples, rate, format="OGG", subtype="VORBIS")
    manifest[clip] = digest
    return len(samples) / rate, "written"


def trim_and_fade(sentence: np.ndarray, rate: int) -> np.ndarray:
    """The sentence without its silent ends, faded in and out so its edges do not click."""
    loud = np.abs(sentence) > np.max(np.abs(sentence)) * 10 ** (SETTINGS["trim_below_db"] / 20)
    if not loud.any():
        return np.zeros(0, dtype=np.float32)
    fade_in = int(SETTINGS["fade_in_s"] * rate)
    fade_out = int(SETTINGS["fade_out_s"] * rate)
    # Keep a fade's length of the quiet edge on each side, so the fades fall on near-silence
    # rather than on the first and last sounds of the words.
    first, last = np.flatnonzero(loud)[[0, -1]]
    sentence = sentence[max(0, first - fade_in) : last + 1 + fade_out].astype(np.float32)
    fade_in = min(len(sentence), fade_in)
    fade_out = min(len(sentence), fade_out)
    sentence[:fade_in] *= np.linspace(0.0, 1.0, fade_in, dtype=np.float32)
    sentence[len(sentence) - fade_out :] *= np.linspace(1.0, 0.0, fade_out, dtype=np.float32)
    return sentence


# --- Putting it together ---------------------------------------------------------------------


def narrate_session(
    path: Path, voice: str, voice_id: str, manifest: dict[str, str], force: bool
) -> tuple[str, int]:
    """Makes the recordings of one session file and points its steps at them; returns the
    session's id and the number of warnings.

    `voice_id` names the voice in each clip's hash; with `force`, clips are made again even when
    their hash says they are unchanged.
    """
    source = path.read_bytes().decode("utf-8")  # bytes, so line endings are kept exactly
    tokens = tokenize(source)
    session_id, steps = read_session(tokens)
    print(f"{path.name} ({session_id}): {len(steps)} spoken step(s)")

    warnings = 0
    clips = []
    for step in steps:
        if not step.text.strip():
            print(f"  step {step.number} has no text to speak, skipped")
            continue
        clip = f"narration/{session_id}/{step.number:02d}-{step.kind}.ogg"
        seconds, status = write_clip(clip, voice, voice_id, step.text, manifest, force)
        step_length, given_as = step_seconds(step)
        print(
            f"  {clip}: {seconds:5.2f} s, step {step.number} lasts {step_length:g} s "
            f"({given_as}) [{status}]"
        )
        if seconds > step_length - SAFETY_MARGIN_S:
            warnings += 1
            print(
                f"  WARN: {clip} is {seconds:.2f} s but step {step.number} lasts "
                f"{step_length:g} s: the step would cut the voice off "
                f"(leave {SAFETY_MARGIN_S:g} s to spare)"
            )
        clips.append((step, clip))

    updated = point_audio_at(source, tokens, clips)
    if updated != source:
        path.write_bytes(updated.encode("utf-8"))
        print(f"  updated the audio settings in {path}")
    return session_id, warnings


def stillpoint_command(given: Path | None) -> list[str]:
    """How to run Stillpoint: the program given, the project's debug build, or `cargo run`."""
    if given is not None:
        return [str(given)]
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    built = target / "debug" / "stillpoint"
    if built.is_file():
        return [str(built)]
    return ["cargo", "run", "--quiet", "--manifest-path", str(ROOT / "Cargo.toml"), "--"]


def spoken_prompts(command: list[str]) -> list[dict[str, str]]:
    """Every prompt the sessions speak, as Stillpoint lists them."""
    listed = subprocess.run(
        [*command, "spoken-prompts", "--assets", str(ASSETS)],
        capture_output=True,
        text=True,
        check=True,
    )
    return [json.loads(line) for line in listed.stdout.splitlines() if line.strip()]


def narrate_prompts(
    prompts: list[dict[str, str]], voice: str, voice_id: str, manifest: dict, force: bool
) -> None:
    """Makes the voice clip of every prompt."""
    done = set()
    for prompt in prompts:
        clip = prompt["clip"]
        if clip in done:
            continue
        done.add(clip)
        seconds, status = write_clip(clip, voice, voice_id, prompt["text"], manifest, force)
        print(f"  {clip}: {seconds:5.2f} s \"{prompt['text'][:60]}\" [{status}]")


def remove_unused_prompts(prompts: list[dict[str, str]], manifest: dict) -> None:
    """Deletes voice clips that no session speaks any more."""
    used = {prompt["clip"] for prompt in prompts}
    for clip_file in sorted(VOICE_FOLDER.glob("*.ogg")):
        clip = f"{VOICE_FOLDER.name}/{clip_file.name}"
        if clip not in used:
            clip_file.unlink()
            manifest.pop(clip, None)
            print(f"  removed {clip}: no session speaks it")


def save(manifest: dict) -> None:
    """Writes the manifest (after every session, so an interrupted run keeps its work)."""
    MANIFEST.parent.mkdir(parents=True, exist_ok=True)
    MANIFEST.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "sessions",
        nargs="*",
        type=Path,
        help="session files (default: every assets/sessions/*.session.ron)",
    )
    parser.add_argument(
        "--voice",
        metavar="NAME",
        default=DEFAULT_VOICE,
        help=f"the Festival voice to speak with (default: {DEFAULT_VOICE})",
    )
    parser.add_argument(
        "--stillpoint",
        metavar="PATH",
        type=Path,
        help="the Stillpoint program that lists the prompts (default: the project's debug build)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="make every clip again, even those the manifest says are unchanged",
    )
    arguments = parser.parse_args()
    every_session = not arguments.sessions
    sessions = arguments.sessions or sorted((ASSETS / "sessions").glob("*.session.ron"))

    voice = arguments.voice
    voice_id = voice_name(voice)
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8")) if MANIFEST.is_file() else {}
    print(f"voice: {voice_id}")

    warnings = 0
    ids = set()
    for path in sessions:
        session_id, found = narrate_session(path, voice, voice_id, manifest, arguments.force)
        ids.add(session_id)
        warnings += found
        save(manifest)

    prompts = spoken_prompts(stillpoint_command(arguments.stillpoint))
    chosen = [prompt for prompt in prompts if prompt["session"] in ids]
    print(f"prompts: {len({prompt['clip'] for prompt in chosen})} to voice")
    narrate_prompts(chosen, voice, voice_id, manifest, arguments.force)
    if every_session:
        remove_unused_prompts(prompts, manifest)
    save(manifest)

    print(f"done: {warnings} warning(s)" if warnings else "done: every recording fits its step")
    return 0


if __name__ == "__main__":
    sys.exit(main())
