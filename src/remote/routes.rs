//! The remote's web routes: the page (which holds nothing about a patient), pairing, and
//! the live connection. Every route but the page and its pairing needs a paired device's
//! token, from its Secure, HttpOnly, SameSite=Strict cookie; pairing and the live
//! connection also need the request to come from the remote's own page (its Origin).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use axum::Router;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use tokio::sync::{broadcast, watch};

use super::clinic_log::ClinicLog;
use super::pairing::{Pairing, Refusal, token_hash};
use super::protocol::RemoteRequest;

/// The cookie that carries a paired device's token.
pub const COOKIE: &str = "stillpoint_remote";
/// The close code a forgotten device's live connection ends with.
pub const CLOSE_FORGOTTEN: u16 = 4001;
/// The page: one file, its styles and script inline; nothing loaded from elsewhere.
const PAGE: &str = include_str!("page.html");
/// The page may run its own inline script and style and talk to this server alone.
const PAGE_POLICY: &str = "default-src 'none'; script-src 'unsafe-inline'; \
    style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; \
    base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// What the server's routes share.
pub struct Shared {
    /// Codes, lock and devices.
    pub pairing: Mutex<Pairing>,
    /// The clinic log.
    pub log: Mutex<ClinicLog>,
    /// The token hash of each device forgotten, for the live connections to close.
    pub forgotten: broadcast::Sender<String>,
    /// The latest state, as the JSON the page reads.
    pub snapshot: watch::Receiver<Arc<str>>,
    /// To the app: requests, and the pairing as the panel shows it.
    pub to_app: crossbeam_channel::Sender<super::protocol::FromServer>,
}

impl Shared {
    /// The pairing, even after a panic elsewhere left its lock poisoned.
    pub fn pairing(&self) -> MutexGuard<'_, Pairing> {
        self.pairing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The clinic log, likewise.
    pub fn log(&self) -> MutexGuard<'_, ClinicLog> {
        self.log
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Tells the app how pairing stands now.
    pub fn publish_pairing(&self) {
        let view = super::protocol::PairingView::of(&self.pairing(), Instant::now());
        let _ = self.to_app.send(super::protocol::FromServer::Pairing(view));
    }
}

/// The routes.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/pair", post(pair))
        .route("/paired", get(paired))
        .route("/live", get(live))
        .with_state(shared)
}

async fn page() -> Response {
    let mut response = (StatusCode::OK, PAGE).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PAGE_POLICY),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// What the page sends to pair.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PairRequest {
    code: String,
    name: String,
}

async fn pair(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: String,
) -> Response {
    if !same_origin(&headers) {
        shared
            .log()
            .refusal(from.ip(), "origin", "pairing from another site's page");
        return refuse(StatusCode::FORBIDDEN, "This page cannot pair here.");
    }
    let Ok(request) = serde_json::from_str::<PairRequest>(&body) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "The pairing request was not understood.",
        );
    };
    let paired = shared.pairing().pair(
        &request.code,
        &request.name,
        Instant::now(),
        &crate::clock::wall_clock(),
    );
    shared.publish_pairing();
    match paired {
        Ok((device, token)) => {
            shared.log().write(&format!(
                "paired device {} \"{}\" from {}",
                device.id,
                device.name,
                from.ip()
            ));
            let cookie = format!(
                "{COOKIE}={token}; Secure; HttpOnly; SameSite=Strict; Path=/; Max-Age=31536000"
            );
            let mut response = (
                StatusCode::OK,
                serde_json::json!({ "paired": true, "name": device.name }).to_string(),
            )
                .into_response();
            if let Ok(cookie) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(header::SET_COOKIE, cookie);
            }
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            response
        }
        Err(refusal) => {
            let (status, kind) = match refusal {
                Refusal::Locked { .. } => (StatusCode::TOO_MANY_REQUESTS, "locked"),
                Refusal::Wrong { left: 0 } => (StatusCode::FORBIDDEN, "lock"),
                Refusal::Wrong { .. } => (StatusCode::FORBIDDEN, "wrong"),
                Refusal::NoCode => (StatusCode::FORBIDDEN, "no code"),
                Refusal::NotSaved(_) => (StatusCode::INTERNAL_SERVER_ERROR, "not saved"),
            };
            let what = match &refusal {
                Refusal::Wrong { left: 0 } => {
                    "a wrong pairing code, the last before the lock: pairing locked for a \
                     minute"
                        .to_owned()
                }
                Refusal::Wrong { left } => {
                    format!("a wrong pairing code ({left} more lock pairing)")
                }
                Refusal::Locked { .. } => "a pairing code while pairing is locked".to_owned(),
                Refusal::NoCode => "a pairing code while none is showing".to_owned(),
                Refusal::NotSaved(problem) => format!("a pairing that was not saved: {problem}"),
            };
            // Each wrong code is its own line: the lock's count should be readable.
            if matches!(refusal, Refusal::Wrong { .. }) {
                shared
                    .log()
                    .write(&format!("refused {}: {what}", from.ip()));
            } else {
                shared.log().refusal(from.ip(), kind, &what);
            }
            refuse(status, &refusal.words())
        }
    }
}

async fn paired(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    match device_hash(&shared, &headers) {
        Some(_) => StatusCode::NO_CONTENT.into_response(),
        None => {
            shared.log().refusal(
                from.ip(),
                "token",
                "a request without a paired device's token",
            );
            refuse(StatusCode::UNAUTHORIZED, "This device is not paired.")
        }
    }
}

async fn live(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let Some(hash) = device_hash(&shared, &headers) else {
        shared.log().refusal(
            from.ip(),
            "token",
            "a live connection without a paired device's token",
        );
        return refuse(StatusCode::UNAUTHORIZED, "This device is not paired.");
    };
    if !same_origin(&headers) {
        let origin = headers
            .get(header::ORIGIN)
            .and_then(|origin| origin.to_str().ok())
            .unwrap_or("none")
            .chars()
            .take(80)
            .collect::<String>();
        shared.log().refusal(
            from.ip(),
            "origin",
            &format!("a live connection from another origin ({origin})"),
        );
        return refuse(StatusCode::FORBIDDEN, "Wrong origin.");
    }
    {
        let pairing = shared.pairing();
        if let Err(problem) = pairing.save() {
            bevy::log::warn!("the remote's last-seen times are not saved: {problem}");
        }
    }
    shared.publish_pairing();
    upgrade.on_upgrade(move |socket| live_connection(socket, shared, hash))
}

/// Sends the state each time it changes and passes the page's requests on, while the
/// device stays paired; a Forget closes it at once.
async fn live_connection(mut socket: WebSocket, shared: Arc<Shared>, hash: String) {
    let mut snapshot = shared.snapshot.clone();
    let mut forgotten = shared.forgotten.subscribe();
    let first = snapshot.borrow_and_update().clone();
    if socket
        .send(Message::Text(first.as_ref().into()))
        .await
        .is_err()
    {
        return;
    }
    loop {
        tokio::select! {
            changed = snapshot.changed() => {
                if changed.is_err() {
                    // The remote is turning off.
                    return;
                }
                if !shared.pairing().is_paired(&hash) {
                    break;
                }
                let text = snapshot.borrow_and_update().clone();
                if socket.send(Message::Text(text.as_ref().into())).await.is_err() {
                    return;
                }
            }
            gone = forgotten.recv() => {
                let closes = match gone {
                    Ok(gone) => gone == hash,
                    Err(broadcast::error::RecvError::Lagged(_)) => !shared.pairing().is_paired(&hash),
                    Err(broadcast::error::RecvError::Closed) => true,
                };
                if closes {
                    break;
                }
            }
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    if !shared.pairing().is_paired(&hash) {
                        break;
                    }
                    match serde_json::from_str::<RemoteRequest>(text.as_str()) {
                        Ok(request) => {
                            let _ = shared.to_app.send(super::protocol::FromServer::Request(request));
                        }
                        Err(error) => bevy::log::warn!("remote: a request was not understood: {error}"),
                    }
                }
                Some(Ok(Message::Close(_)) | Err(_)) | None => return,
                Some(Ok(_)) => {}
            },
        }
    }
    let _ = socket
        .send(Message::Close(Some(CloseFrame {
            code: CLOSE_FORGOTTEN,
            reason: "this device is no longer paired".into(),
        })))
        .await;
}

/// The token hash of the paired device making the request, if it is one.
fn device_hash(shared: &Shared, headers: &HeaderMap) -> Option<String> {
    let token = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(COOKIE)?.strip_prefix('='))?;
    shared
        .pairing()
        .device_of(token, &crate::clock::wall_clock())
        .map(|_| token_hash(token))
}

/// True when the request comes from a page of this server: its Origin is `https://` and
/// the host it asked for.
fn same_origin(headers: &HeaderMap) -> bool {
    let text = |name| headers.get(name).and_then(|value| value.to_str().ok());
    match (text(header::ORIGIN), text(header::HOST)) {
        (Some(origin), Some(host)) => origin
            .strip_prefix("https://")
            .is_some_and(|origin| origin.eq_ignore_ascii_case(host)),
        _ => false,
    }
}

fn refuse(status: StatusCode, words: &str) -> Response {
    let mut response = (status, serde_json::json!({ "error": words }).to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}
