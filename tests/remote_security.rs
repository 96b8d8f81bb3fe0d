//! The remote's security over real TLS on loopback: each test fails on a server without its
//! rule. No token, a forgotten token, a reused code, a wrong code six times, plain HTTP and
//! a WebSocket from another origin are all refused; the token is kept only as a hash, the
//! files are private, and the clinic log names devices, never a patient.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

#[path = "common/remote.rs"]
mod remote;

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use remote::{PATIENT, RemoteApp, runtime};
use stillpoint::remote::RemoteCommand;
use stillpoint::session::SessionState;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

const SESSION: &str = "centering-before-dosing";

#[test]
fn without_a_token_nothing_but_the_page_is_served() {
    let app = RemoteApp::start(SESSION);
    runtime().block_on(async {
        let page = app.request("GET", "/", &[], "").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Pair this device"));
        assert!(
            !page.body.contains(PATIENT),
            "the page holds nothing about a patient"
        );
        assert!(
            page.header("content-security-policy")
                .is_some_and(|policy| policy.contains("default-src 'none'")),
            "the page may load nothing from elsewhere"
        );
        let paired = app.request("GET", "/paired", &[], "").await;
        assert_eq!(paired.status, 401);
        let forged = app
            .request("GET", "/paired", &[("Cookie", "stillpoint_remote=00ff")], "")
            .await;
        assert_eq!(forged.status, 401, "a made-up token is no token");
        let live = app.live(None, &app.origin()).await;
        assert!(
            matches!(&live, Err(tokio_tungstenite::tungstenite::Error::Http(response)) if response.status() == 401),
            "the live connection needs a token: {live:?}"
        );
    });
}

#[test]
fn pairing_sets_a_strict_cookie_and_keeps_only_the_tokens_hash() {
    let mut app = RemoteApp::start(SESSION);
    let code = app.code();
    runtime().block_on(async {
        let (response, token) = app.pair(&code).await;
        assert_eq!(response.status, 200, "{}", response.body);
        let cookie = response.header("set-cookie").expect("a cookie");
        for flag in ["Secure", "HttpOnly", "SameSite=Strict"] {
            assert!(cookie.contains(flag), "{cookie} lacks {flag}");
        }
        let token = token.expect("a token");
        assert_eq!(token.len(), 64, "32 random bytes, hex");
        let devices = app.data.path().join("remote/devices.json");
        let kept = std::fs::read_to_string(&devices).expect("the devices file");
        assert!(!kept.contains(&token), "the token itself is never kept");
        assert!(kept.contains(&stillpoint::remote::pairing::token_hash(&token)));
        #[cfg(unix)]
        for file in ["devices.json", "certificate.pem", "key.pem"] {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(app.data.path().join("remote").join(file))
                .expect("there")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{file}");
        }
        let paired = app
            .request(
                "GET",
                "/paired",
                &[("Cookie", &format!("stillpoint_remote={token}"))],
                "",
            )
            .await;
        assert_eq!(paired.status, 204);
        // Calm from the phone goes through the runtime's one path and is noted as the
        // remote's in the record.
        let mut live = app
            .live(Some(&token), &app.origin())
            .await
            .expect("a live connection");
        let first = live.next().await.expect("a state").expect("a message");
        let state: serde_json::Value =
            serde_json::from_str(first.to_text().expect("text")).expect("JSON");
        assert_eq!(state["patient"], PATIENT);
        live.send(Message::text(r#"{"do":"calm"}"#))
            .await
            .expect("sent");
        app.run_until("Calm from the remote", |app| {
            app.world()
                .resource::<stillpoint::session::SessionRuntime>()
                .state()
                == SessionState::Calm
        })
        .await;
    });
    let calm = app
        .record_lines()
        .into_iter()
        .find(|line| line["event"] == "calm_on")
        .expect("calm in the record");
    assert_eq!(calm["from"], "remote");
    let log = std::fs::read_to_string(app.data.path().join("remote.log")).expect("the log");
    assert!(log.contains("paired device 1 \"Test phone\""), "{log}");
    assert!(!log.contains(PATIENT), "no patient data in the clinic log");
}

#[test]
fn a_code_pairs_only_once() {
    let app = RemoteApp::start(SESSION);
    let code = app.code();
    runtime().block_on(async {
        let (first, token) = app.pair(&code).await;
        assert_eq!(first.status, 200);
        assert!(token.is_some());
        let (again, token) = app.pair(&code).await;
        assert_eq!(again.status, 403, "{}", again.body);
        assert!(token.is_none(), "a reused code gives no token");
    });
}

#[test]
fn a_sixth_try_after_five_wrong_codes_is_locked_out_even_with_the_right_code() {
    let app = RemoteApp::start(SESSION);
    let code = app.code();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    runtime().block_on(async {
        for _ in 0..5 {
            let (refused, token) = app.pair(wrong).await;
            assert_eq!(refused.status, 403);
            assert!(token.is_none());
        }
        let (locked, token) = app.pair(&code).await;
        assert_eq!(locked.status, 429, "{}", locked.body);
        assert!(token.is_none());
        assert!(locked.body.contains("locked"));
    });
    let log = std::fs::read_to_string(app.data.path().join("remote.log")).expect("the log");
    assert!(log.contains("pairing locked for a minute"), "{log}");
}

#[test]
fn forget_revokes_a_token_at_once_and_closes_its_live_connection() {
    let mut app = RemoteApp::start(SESSION);
    let code = app.code();
    let rt = runtime();
    let token = rt.block_on(async {
        let (_, token) = app.pair(&code).await;
        token.expect("a token")
    });
    app.app.update();
    let id = app.remote().pairing().devices.first().expect("a device").id;
    rt.block_on(async {
        let mut live = app
            .live(Some(&token), &app.origin())
            .await
            .expect("a live connection");
        live.next().await.expect("a state").expect("a message");
        app.command(RemoteCommand::Forget(id));
        app.run_for(Duration::from_millis(50)).await;
        let closed = tokio::time::timeout(Duration::from_secs(5), async {
            loop {
                match live.next().await {
                    Some(Ok(Message::Close(frame))) => return frame,
                    Some(Ok(_)) => continue,
                    _ => return None,
                }
            }
        })
        .await
        .expect("closed within 5 s");
        assert_eq!(
            closed.map(|frame| frame.code),
            Some(CloseCode::from(4001)),
            "the open connection is told it is forgotten"
        );
        let cookie = format!("stillpoint_remote={token}");
        let refused = app
            .request("GET", "/paired", &[("Cookie", &cookie)], "")
            .await;
        assert_eq!(refused.status, 401);
        assert!(app.live(Some(&token), &app.origin()).await.is_err());
    });
    let log = std::fs::read_to_string(app.data.path().join("remote.log")).expect("the log");
    assert!(log.contains("forgot device 1"), "{log}");
}

#[test]
fn plain_http_is_not_served() {
    let app = RemoteApp::start(SESSION);
    runtime().block_on(async {
        let mut plain = tokio::net::TcpStream::connect(("127.0.0.1", app.port))
            .await
            .expect("connects");
        plain
            .write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            .await
            .expect("sent");
        let mut answer = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(5), plain.read_to_end(&mut answer)).await;
        let answer = String::from_utf8_lossy(&answer);
        assert!(
            !answer.starts_with("HTTP/") && !answer.contains("Stillpoint"),
            "plain HTTP got an answer: {answer}"
        );
    });
}

#[test]
fn a_live_connection_from_another_origin_is_refused() {
    let app = RemoteApp::start(SESSION);
    let code = app.code();
    runtime().block_on(async {
        let (_, token) = app.pair(&code).await;
        let token = token.expect("a token");
        for origin in [
            "https://attacker.example",
            &format!("http://127.0.0.1:{}", app.port),
        ] {
            let refused = app.live(Some(&token), origin).await;
            assert!(
                matches!(&refused, Err(tokio_tungstenite::tungstenite::Error::Http(response)) if response.status() == 403),
                "{origin}: {refused:?}"
            );
        }
        assert!(
            app.live(Some(&token), &app.origin()).await.is_ok(),
            "the page's own origin is let in"
        );
    });
}
