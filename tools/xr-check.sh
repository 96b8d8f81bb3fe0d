#!/usr/bin/env bash
# Runs Stillpoint on a real OpenXR runtime and checks, from the app's own log, that the XR
# session reached FOCUSED, that frames were submitted to the headset, that the desktop
# mirror dropped its multisampling while the headset showed the scene, and that the session
# advanced. The runtime is Monado with a simulated headset, a null compositor and software
# Vulkan, in a small Debian root filesystem built by tools/xr-runtime.sh (needs root). The
# rootfs has only the versioned OpenXR loader (libopenxr_loader.so.1), as on a user's
# machine, so this also checks that Stillpoint finds it without the -dev package.
#
# A second run is the clinic's self-check (`stillpoint doctor`) on the same runtime.
#
# A third run is a reclined session (the rest during the dose).
#
# A fourth run shows last week's painting in the headset: each eye draws the painting's glow
# small, from its own pose, and lays it over its view.
#
# A fifth run stops the runtime mid-session (as when a headset is unplugged) and starts it
# again 8 s later, twice: the session pauses, the app carries on, finds the runtime again,
# shows the scene in the headset again, and after the therapist's resume ends the session
# cleanly.
#
# Usage (as root, after the test build): tools/xr-check.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-16}

runtime_tool=tools/xr-runtime.sh

target=${CARGO_TARGET_DIR:-$PWD/target}
program=$target/debug/stillpoint
[ -x "$program" ] || { echo "xr-check: build first ($program is missing)" >&2; exit 1; }

# The libraries a winit window opens at run time, beyond what the rootfs has.
export XR_EXTRA_PACKAGES="libx11-6 libx11-xcb1 libxcursor1 libxrandr2 libxi6 libxkbcommon0"
bash "$runtime_tool" setup

# The mirror's window needs a display; the X socket reaches the rootfs through /tmp.
if [ -z "${DISPLAY:-}" ]; then
    display=:97
    Xvfb "$display" -screen 0 1280x720x24 -nolisten tcp >/dev/null 2>&1 &
    xvfb=$!
    trap 'kill $xvfb 2>/dev/null || true' EXIT
    export DISPLAY=$display
    for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X${display#:}" ] && break; sleep 0.1; done
fi

data=$(mktemp -d /tmp/stillpoint-xr.XXXXXX)
log=$data/stillpoint.log
status=0
XR_BIND="$target" timeout 300 bash "$runtime_tool" run -- \
    env DISPLAY="$DISPLAY" RUST_LOG=info,wgpu=error,naga=error \
    "$program" run --session centering-before-dosing --patient CI-7 --data "$data" \
    --quit-after "$seconds" >"$log" 2>&1 || status=$?
cat "$log"

fail() { echo "xr-check: FAILED: $*" >&2; exit 1; }
[ "$status" = 0 ] || fail "stillpoint exited with $status"
grep -q "Loaded OpenXR runtime: Monado" "$log" || fail "the OpenXR runtime was not loaded"
grep -q "xr: session state FOCUSED" "$log" || fail "the XR session never reached FOCUSED"
frames=$(sed -n 's/.*xr: \([0-9]*\) frames submitted to the headset.*/\1/p' "$log" | tail -n1)
[ "${frames:-0}" -gt 0 ] || fail "no frames were submitted to the headset"
grep -q "headset session ended cleanly" "$log" || fail "the XR session did not end cleanly"
grep -q "xr: the mirror is drawn without multisampling while the headset shows the scene" "$log" \
    || fail "the mirror kept its multisampling while the headset showed the scene"
reached=$(sed -n 's/.*session advanced to step \([0-9]*\) of [0-9]* at session time \([0-9.]*\) s.*/\1 \2/p' "$log")
[ -n "$reached" ] || fail "the session did not advance"
read -r step advanced <<<"$reached"
# The centering session's first step is 14 s of narration: by then it is in step 2.
[ "$step" -ge 2 ] || fail "the session is still in step $step"
awk -v t="$advanced" -v want="$seconds" 'BEGIN { exit !(t >= want) }' \
    || fail "the session reached only $advanced s of $seconds s"
grep -q "the session is paused" "$log" && fail "closing the app paused the session"
echo "xr-check: passed: FOCUSED, $frames frames submitted, session in step $step at $advanced s, clean exit"
# The clinic's self-check finds the runtime and creates a headset session that shows the scene.
doctor_log=$data/doctor.log
status=0
XR_BIND="$target" timeout 300 bash "$runtime_tool" run -- \
    env DISPLAY="$DISPLAY" "$program" --data "$data/doctor" doctor >"$doctor_log" 2>&1 || status=$?
cat "$doctor_log"
[ "$status" = 0 ] || fail "stillpoint doctor exited with $status"
grep -q "^OK   loader" "$doctor_log" || fail "doctor did not find the OpenXR loader"
grep -q "^OK   runtime   Monado" "$doctor_log" || fail "doctor did not name the active runtime"
grep -q "^OK   headset   a headset session was created and shows the scene" "$doctor_log" \
    || fail "doctor did not create a headset session"
echo "xr-check: passed: stillpoint doctor finds the runtime and creates a headset session"

# A session for a reclined patient (the rest during the dose): the words are placed along the
# headset's gaze, the headset shows the scene and the session ends cleanly.
reclined_log=$data/reclined.log
status=0
XR_BIND="$target" timeout 300 bash "$runtime_tool" run -- \
    env DISPLAY="$DISPLAY" RUST_LOG=info,wgpu=error,naga=error \
    "$program" run --session rest-during-dosing --patient CI-9 --data "$data" \
    --action 10=end --quit-after 30 >"$reclined_log" 2>&1 || status=$?
grep -E "posture|xr: session state|ended" "$reclined_log" || true
[ "$status" = 0 ] || fail "the reclined session exited with $status"
grep -q "posture Reclined: the words and choices follow a gaze" "$reclined_log" \
    || fail "the reclined session's words were not placed along the gaze"
grep -q "xr: session state FOCUSED" "$reclined_log" || fail "the reclined session never reached FOCUSED"
reclined_frames=$(sed -n 's/.*xr: \([0-9]*\) frames submitted to the headset.*/\1/p' "$reclined_log" | tail -n1)
[ "${reclined_frames:-0}" -gt 0 ] || fail "no frames were submitted in the reclined session"
grep -q "headset session ended cleanly" "$reclined_log" || fail "the reclined session's XR session did not end cleanly"
grep -q '"event":"session_ended"' "$data"/records/CI-9/*.jsonl || fail "the reclined session's record has no end"
echo "xr-check: passed: a reclined session places its words along the gaze, reaches FOCUSED ($reclined_frames frames) and ends cleanly"

# Last week's painting, reopened at the paint step (the sixth; the steps before are skipped):
# both eyes and the mirror draw its glow, the headset shows the scene and the session ends
# cleanly.
painting_log=$data/painting.log
"$program" simulate --session creative-integration --hz 30 --synthetic-paint 4000 \
    --record "$data/last-week.jsonl" >/dev/null
status=0
XR_BIND="$target" timeout 300 bash "$runtime_tool" run -- \
    env DISPLAY="$DISPLAY" RUST_LOG=info,wgpu=error,naga=error \
    "$program" run --session creative-integration --patient CI-6 --data "$data" \
    --artwork-from "$data/last-week.jsonl" --action 2=next --action 3=next --action 4=next \
    --action 5=next --action 6=next --action 14=end --quit-after 24 >"$painting_log" 2>&1 \
    || status=$?
grep -E "painting|glow|xr: session state|ended" "$painting_log" || true
[ "$status" = 0 ] || fail "the painting session exited with $status"
grep -q "opened the painting" "$painting_log" || fail "last week's painting was not opened"
glows=$(grep -c "the painting's glow is drawn at" "$painting_log" || true)
[ "$glows" -ge 3 ] || fail "the painting's glow was drawn in $glows view(s), not in both eyes and the mirror"
grep -q "xr: session state FOCUSED" "$painting_log" || fail "the painting session never reached FOCUSED"
painting_frames=$(sed -n 's/.*xr: \([0-9]*\) frames submitted to the headset.*/\1/p' "$painting_log" | tail -n1)
[ "${painting_frames:-0}" -gt 0 ] || fail "no frames were submitted with the painting shown"
grep -q "headset session ended cleanly" "$painting_log" || fail "the painting session's XR session did not end cleanly"
grep -Eqi "panic|validation error" "$painting_log" && fail "the painting session logged an error"
echo "xr-check: passed: last week's painting glows in both eyes and the mirror ($glows views, $painting_frames frames) and the session ends cleanly"

# The runtime stops mid-session (a headset unplugged, the runtime closed) and starts again:
# the session pauses and the mirror carries on; the headset comes back and shows the scene
# again while the session stays paused; the therapist resumes, then ends the session.
lost_log=$data/runtime-lost.log
status=0
XR_BIND="$target" timeout 300 bash "$runtime_tool" run -- env DISPLAY="$DISPLAY" \
    RUST_LOG=info,bevy_mod_openxr::openxr::reconnect=debug,wgpu=error,naga=error bash -c '
    "$0" run --session centering-before-dosing --patient CI-8 --data "$1" \
        --action 46=resume --action 52=end --quit-after 90 &
    app=$!
    stop_runtime() {
        for process in /proc/[0-9]*; do
            if grep -qx monado-service "$process/comm" 2>/dev/null; then kill "${process#/proc/}"; fi
        done
    }
    sleep 12
    stop_runtime
    sleep 8
    monado-service </dev/null >/var/log/xr-runtime/monado-service-2.log 2>&1 &
    sleep 10
    stop_runtime
    sleep 6
    monado-service </dev/null >/var/log/xr-runtime/monado-service-3.log 2>&1 &
    again=$!
    status=0
    wait "$app" || status=$?
    kill "$again" 2>/dev/null || true
    wait "$again" 2>/dev/null || true
    exit "$status"' "$program" "$data" >"$lost_log" 2>&1 || status=$?
grep -E "runtime lost|OpenXR: |xr: |session advanced|ended" "$lost_log" || true
[ "$status" = 0 ] || fail "with the runtime stopped and started again, stillpoint exited with $status"
grep -q "OpenXR runtime lost" "$lost_log" || fail "the lost runtime was not noticed"
grep -q "the session is paused until the therapist resumes it" "$lost_log" \
    || fail "the session was not paused when the runtime was lost"
returns=$(grep -c "xr: the headset's runtime is back" "$lost_log" || true)
[ "$returns" = 2 ] || fail "the runtime was found again $returns time(s), not after each of its 2 stops"
focused=$(grep -c "xr: session state FOCUSED" "$lost_log" || true)
[ "$focused" = 3 ] || fail "the XR session reached FOCUSED $focused time(s), not at start and after each return"
backs=$(grep -c "xr: headset back at session time" "$lost_log" || true)
[ "$backs" = 2 ] || fail "the headset's return was noticed $backs time(s), not 2"
before=$(sed -n "s/.*runtime was lost after \([0-9]*\) frames.*/\1/p" "$lost_log" | tail -n1)
after=$(sed -n 's/.*xr: \([0-9]*\) frames submitted to the headset.*/\1/p' "$lost_log" | tail -n1)
[ -n "$before" ] && [ "${after:-0}" -gt "$before" ] \
    || fail "no frames were submitted after the headset came back (${before:-?} before, ${after:-?} at the end)"
grep -q "headset session ended cleanly" "$lost_log" || fail "the second XR session did not end cleanly"
events=$(grep -o '"event":"[a-z_]*"' "$data"/records/CI-8/*.jsonl | sed 's/"event":"\(.*\)"/\1/' | tr '\n' ' ')
echo "xr-check: the record's events: $events"
echo "$events" | grep -Eq "headset_lost paused headset_back headset_lost headset_back resumed .*session_ended" \
    || fail "the record does not show the loss, the pause, the headset's returns, the resume and the end in order"
echo "xr-check: passed: a lost runtime pauses the session; each time it is back the headset shows the scene again ($before frames before the second stop, $after in all), and the resumed session ends cleanly"
