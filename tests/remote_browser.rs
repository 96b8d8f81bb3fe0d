//! The remote in a real browser: Debian's Chromium, headless, driven through the DevTools
//! protocol at a phone's size (390x844) opens the page, pairs with the code the panel shows,
//! presses Calm, and the session record shows Calm from the remote. The phone's pictures
//! are saved (`$CARGO_TARGET_TMPDIR/remote/`; with `STILLPOINT_GUIDE_PICTURES=docs/images`
//! also the guide's `remote-phone.png`).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

#[path = "common/remote.rs"]
mod remote;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use remote::{PATIENT, RemoteApp, runtime};
use serde_json::{Value, json};
use stillpoint::session::{SessionRuntime, SessionState};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async_with_config};

/// Chromium, or the words that say how to install it.
fn chromium() -> PathBuf {
    for name in ["chromium", "chromium-browser"] {
        for folder in ["/usr/bin", "/usr/local/bin", "/snap/bin"] {
            let path = Path::new(folder).join(name);
            if path.exists() {
                return path;
            }
        }
    }
    panic!(
        "the remote's browser test needs Chromium: install Debian's package with \
         `sudo apt-get install chromium` (tools/setup.sh --test installs it)"
    );
}

/// Chromium started headless with its DevTools on a free port; it is ended when dropped.
struct Browser {
    child: Child,
    endpoint: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    fn start() -> Self {
        let profile = tempfile::tempdir().expect("a temp dir");
        let mut child = Command::new(chromium())
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                // The test's throwaway profile accepts the remote's self-signed certificate,
                // as the therapist does once after comparing its fingerprint.
                "--ignore-certificate-errors",
                "--remote-debugging-port=0",
                "--window-size=390,844",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("Chromium starts");
        let stderr = child.stderr.take().expect("its stderr");
        let (found, endpoint) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("DevTools listening on ") {
                    let _ = found.send(url.trim().to_owned());
                }
            }
        });
        let endpoint = endpoint
            .recv_timeout(Duration::from_secs(30))
            .expect("Chromium opens its DevTools within 30 s");
        Self {
            child,
            endpoint,
            _profile: profile,
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A DevTools connection to one page.
struct Page {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
    session: String,
    next: u64,
}

impl Page {
    async fn open(browser: &Browser) -> Self {
        let (socket, _) = connect_async_with_config(&browser.endpoint, None, false)
            .await
            .expect("the DevTools connection");
        let mut page = Self {
            socket,
            session: String::new(),
            next: 0,
        };
        let target = page
            .call("Target.createTarget", json!({ "url": "about:blank" }))
            .await;
        let attached = page
            .call(
                "Target.attachToTarget",
                json!({ "targetId": target["targetId"], "flatten": true }),
            )
            .await;
        page.session = attached["sessionId"]
            .as_str()
            .expect("a session")
            .to_owned();
        page
    }

    /// Sends a command and waits for its result (events in between are passed over).
    async fn call(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let mut command = json!({ "id": self.next, "method": method, "params": params });
        if !self.session.is_empty() {
            command["sessionId"] = json!(self.session);
        }
        self.socket
            .send(Message::text(command.to_string()))
            .await
            .expect("sent to Chromium");
        loop {
            let message = tokio::time::timeout(Duration::from_secs(30), self.socket.next())
                .await
                .expect("Chromium answers within 30 s")
                .expect("the connection stays open")
                .expect("a message");
            let Ok(text) = message.to_text() else {
                continue;
            };
            let answer: Value = serde_json::from_str(text).expect("JSON");
            if answer["id"] == json!(self.next) {
                assert!(answer["error"].is_null(), "{method}: {}", answer["error"]);
                return answer["result"].clone();
            }
        }
    }

    /// The value of a JavaScript expression in the page.
    async fn eval(&mut self, expression: &str) -> Value {
        let result = self
            .call(
                "Runtime.evaluate",
                json!({ "expression": expression, "returnByValue": true }),
            )
            .await;
        result["result"]["value"].clone()
    }

    /// Taps the middle of the element with this id, as a finger would.
    async fn tap(&mut self, id: &str) {
        let centre = self
            .eval(&format!(
                "(() => {{ const r = document.getElementById('{id}').getBoundingClientRect(); \
                 return [r.x + r.width / 2, r.y + r.height / 2]; }})()"
            ))
            .await;
        let (x, y) = (centre[0].clone(), centre[1].clone());
        for kind in ["mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({ "type": kind, "x": x, "y": y, "button": "left", "clickCount": 1 }),
            )
            .await;
        }
    }

    /// Saves what the page shows as a PNG.
    async fn screenshot(&mut self, path: &Path) {
        let shot = self
            .call("Page.captureScreenshot", json!({ "format": "png" }))
            .await;
        let bytes = base64_decode(shot["data"].as_str().expect("picture data"));
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("the folder");
        std::fs::write(path, bytes).expect("the picture is saved");
        println!("saved {}", path.display());
    }
}

/// Runs the app's frames until the page's `expression` is true, for at most 20 s.
async fn until_page(app: &mut RemoteApp, page: &mut Page, what: &str, expression: &str) {
    let began = Instant::now();
    while page.eval(expression).await != json!(true) {
        assert!(
            began.elapsed() < Duration::from_secs(20),
            "the page did not show {what} in 20 s"
        );
        app.run_for(Duration::from_millis(50)).await;
    }
}

#[test]
fn a_phone_pairs_with_the_code_and_its_calm_is_recorded_as_from_the_remote() {
    let browser = Browser::start();
    let mut app = RemoteApp::start("centering-before-dosing");
    let code = app.code();
    let pictures = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("remote");
    runtime().block_on(async {
        let mut page = Page::open(&browser).await;
        page.call(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": true }),
        )
        .await;
        page.call("Page.enable", json!({})).await;
        page.call(
            "Page.navigate",
            json!({ "url": format!("https://127.0.0.1:{}/", app.port) }),
        )
        .await;
        until_page(
            &mut app,
            &mut page,
            "the pairing form",
            "!!document.getElementById('pairing') && !document.getElementById('pairing').hidden",
        )
        .await;
        page.eval("document.getElementById('code').focus()").await;
        page.call("Input.insertText", json!({ "text": code })).await;
        page.screenshot(&pictures.join("pairing.png")).await;
        page.tap("pair").await;
        until_page(
            &mut app,
            &mut page,
            "the live session",
            "!document.getElementById('live-top').hidden",
        )
        .await;
        assert_eq!(
            page.eval("document.getElementById('patient').textContent")
                .await,
            json!(PATIENT)
        );
        app.run_for(Duration::from_millis(300)).await;
        let phone = pictures.join("phone.png");
        page.screenshot(&phone).await;
        if let Some(folder) = std::env::var_os("STILLPOINT_GUIDE_PICTURES") {
            std::fs::copy(&phone, Path::new(&folder).join("remote-phone.png"))
                .expect("the guide's picture is saved");
        }
        page.tap("calm").await;
        app.run_until("Calm from the phone", |app| {
            app.world().resource::<SessionRuntime>().state() == SessionState::Calm
        })
        .await;
        until_page(
            &mut app,
            &mut page,
            "the calm state",
            "document.getElementById('calm').textContent === 'Back from calm'",
        )
        .await;
        page.screenshot(&pictures.join("calm.png")).await;
    });
    let calm = app
        .record_lines()
        .into_iter()
        .find(|line| line["event"] == "calm_on")
        .expect("Calm is in the record");
    assert_eq!(
        calm["from"], "remote",
        "the record says Calm came from the remote"
    );
    assert_eq!(app.remote().pairing().devices.len(), 1);
}

/// Standard base64, as DevTools sends pictures.
fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let sextets: Vec<u8> = text.bytes().filter_map(value).collect();
    let mut bytes = Vec::with_capacity(sextets.len() * 3 / 4);
    for chunk in sextets.chunks(4) {
        let mut group = 0u32;
        for (index, sextet) in chunk.iter().enumerate() {
            group |= u32::from(*sextet) << (18 - 6 * index);
        }
        let whole = chunk.len() * 6 / 8;
        bytes.extend_from_slice(&group.to_be_bytes()[1..1 + whole]);
    }
    bytes
}
