//! The remote's figures: how long an action from a phone takes to reach the session runtime
//! over loopback (p50 and p99; the target is p99 under 50 ms), and the app's own frame time
//! with five phones connected against none. The app runs its frames at a headset's 90 Hz.
//! Run with `cargo bench --bench remote` (add `--profile dev` for the quick build).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a benchmark stops at the first thing that is wrong"
)]
#![allow(missing_docs, reason = "a benchmark's helpers")]

#[path = "../tests/common/remote.rs"]
mod remote;

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use remote::{RemoteApp, runtime};
use stillpoint::remote::RemoteCommand;
use stillpoint::session::{SessionRuntime, SessionState};
use tokio_tungstenite::tungstenite::Message;

/// A headset's frame at 90 Hz.
const FRAME: Duration = Duration::from_micros(11_111);
/// Actions timed.
const ACTIONS: usize = 200;
/// Frames timed for each frame-time figure.
const FRAMES: usize = 900;
/// Phones connected for the second frame-time figure.
const PHONES: usize = 5;

fn main() {
    let mut app = RemoteApp::start("rest-during-dosing");
    let rt = runtime();
    let tokens: Vec<String> = (0..PHONES)
        .map(|_| {
            let code = app.code();
            let token = rt.block_on(app.pair(&code)).1.expect("each phone pairs");
            app.command(RemoteCommand::NewCode);
            let before = code.clone();
            let began = Instant::now();
            while app.remote().pairing().code.as_ref().map(|(code, _)| code) == Some(&before)
                || app.remote().pairing().code.is_none()
            {
                assert!(began.elapsed() < Duration::from_secs(10), "a new code");
                app.app.update();
                std::thread::sleep(Duration::from_millis(2));
            }
            token
        })
        .collect();

    // Action to runtime: a phone presses Pause or Resume; timed until the frame that
    // applied it ends.
    let mut latencies = rt.block_on(async {
        let mut live = app
            .live(Some(&tokens[0]), &app.origin())
            .await
            .expect("a live connection");
        let mut latencies = Vec::with_capacity(ACTIONS);
        let mut next_frame = Instant::now();
        for _ in 0..ACTIONS {
            let before = app.runtime().state();
            let sent = Instant::now();
            live.send(Message::text(r#"{"do":"pause_or_resume"}"#))
                .await
                .expect("sent");
            loop {
                tokio::time::sleep_until(next_frame.into()).await;
                next_frame += FRAME;
                app.app.update();
                if app.runtime().state() != before {
                    break;
                }
                assert!(
                    sent.elapsed() < Duration::from_secs(5),
                    "the action arrives"
                );
            }
            latencies.push(sent.elapsed());
            // Let the state reach the phone before the next press.
            while let Ok(Some(_)) =
                tokio::time::timeout(Duration::from_millis(1), live.next()).await
            {}
        }
        latencies
    });
    assert!(matches!(
        app.runtime().state(),
        SessionState::Running | SessionState::Paused
    ));
    let (p50, p99) = percentiles(&mut latencies);
    println!(
        "remote action → runtime over loopback ({ACTIONS} presses, frames at 90 Hz): \
         p50 {:.1} ms, p99 {:.1} ms (target p99 < 50 ms)",
        ms(p50),
        ms(p99)
    );

    // Frame time with no phone, then with five reading every change.
    if app.runtime().state() == SessionState::Paused {
        app.app
            .world_mut()
            .write_message(stillpoint::session::SessionAction::Resume);
    }
    let mut alone = frame_times(&mut app);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let connected = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let phones = {
        let (port, fingerprint) = (app.port, app.fingerprint.clone());
        let (stop, connected) = (stop.clone(), connected.clone());
        let origin = app.origin();
        std::thread::spawn(move || {
            runtime().block_on(async move {
                let mut sockets = Vec::new();
                for token in &tokens {
                    let client = remote::Client {
                        port,
                        fingerprint: fingerprint.clone(),
                    };
                    sockets.push(client.live(Some(token), &origin).await.expect("connected"));
                    connected.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                }
                let mut received = 0usize;
                while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                    for socket in &mut sockets {
                        while let Ok(Some(Ok(_))) =
                            tokio::time::timeout(Duration::from_micros(100), socket.next()).await
                        {
                            received += 1;
                        }
                    }
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                received
            })
        })
    };
    while connected.load(std::sync::atomic::Ordering::SeqCst) < PHONES {
        app.app.update();
        std::thread::sleep(Duration::from_millis(5));
    }
    let mut with_phones = frame_times(&mut app);
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let received = phones.join().expect("the phones' thread");
    let (alone50, alone99) = percentiles(&mut alone);
    let (with50, with99) = percentiles(&mut with_phones);
    println!(
        "app frame time, no phone: median {:.3} ms, p99 {:.3} ms",
        ms(alone50),
        ms(alone99)
    );
    println!(
        "app frame time, {PHONES} phones connected ({received} state messages read): \
         median {:.3} ms, p99 {:.3} ms",
        ms(with50),
        ms(with99)
    );
    assert!(
        app.runtime().session_secs() > 0.0 && app.runtime().is_under_way(),
        "the session ran throughout"
    );
    let _ = app.app.world().resource::<SessionRuntime>();
}

/// The time of [`FRAMES`] frames of the app, run at 90 Hz.
fn frame_times(app: &mut RemoteApp) -> Vec<Duration> {
    let mut times = Vec::with_capacity(FRAMES);
    let mut next_frame = Instant::now();
    for _ in 0..FRAMES {
        let now = Instant::now();
        if next_frame > now {
            std::thread::sleep(next_frame - now);
        }
        next_frame += FRAME;
        let began = Instant::now();
        app.app.update();
        times.push(began.elapsed());
    }
    times
}

fn percentiles(times: &mut [Duration]) -> (Duration, Duration) {
    times.sort();
    let at = |fraction: f64| times[((times.len() - 1) as f64 * fraction).round() as usize];
    (at(0.5), at(0.99))
}

fn ms(time: Duration) -> f64 {
    time.as_secs_f64() * 1000.0
}
