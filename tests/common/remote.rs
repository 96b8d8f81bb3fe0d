//! The remote tests' harness: a headless app with the remote on (loopback, a free port, a
//! data folder of its own) running a bundled session, and a small HTTPS and WebSocket client
//! that trusts only the certificate the app made (its fingerprint pinned).

#![allow(dead_code, reason = "each remote test uses a different subset")]
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test helper stops the test at the first thing that is wrong"
)]

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bevy::prelude::*;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use stillpoint::LogicPlugin;
use stillpoint::config::{RemoteSettings, Settings};
use stillpoint::remote::{Remote, RemoteCommand, RemoteStatus};
use stillpoint::script::SessionScript;
use stillpoint::script::library::check_file;
use stillpoint::script::validate::Context;
use stillpoint::session::{ReadyScript, SessionAction, SessionRuntime};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// The patient of the harness's session.
pub const PATIENT: &str = "P-031";

/// The app with the remote on, and where it keeps its files; its client is [`Client`].
pub struct RemoteApp {
    pub app: App,
    pub client: Client,
    pub data: tempfile::TempDir,
}

impl std::ops::Deref for RemoteApp {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.client
    }
}

/// A client of the remote at `port` that trusts only the certificate with `fingerprint`.
#[derive(Debug, Clone)]
pub struct Client {
    pub port: u16,
    pub fingerprint: String,
}

impl RemoteApp {
    /// The app on `session` (a bundled id), started for [`PATIENT`], the remote on.
    pub fn start(session: &str) -> Self {
        let data = tempfile::tempdir().expect("a temp dir");
        let settings = Settings {
            data_folder: Some(data.path().to_owned()),
            remote: RemoteSettings {
                on_at_start: true,
                address: IpAddr::V4(Ipv4Addr::LOCALHOST),
                port: 0,
            },
            ..Settings::default()
        };
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join(format!("assets/sessions/{session}.session.ron"));
        let checked = check_file(&path, &Context::default())
            .outcome
            .expect("a valid bundled session");
        let mut app = App::new();
        app.add_plugins((
            MinimalPlugins,
            LogicPlugin {
                records_folder: settings.records_folder(),
            },
            stillpoint::remote::plugin,
        ))
        .insert_resource(settings)
        .insert_resource(ReadyScript(Some(Arc::new(SessionScript {
            session: checked.session,
            sha256: "0".repeat(64),
            warnings: Vec::new(),
        }))));
        stillpoint::simulate::single_threaded(&mut app);
        app.update();
        app.world_mut().write_message(SessionAction::Start {
            patient: PATIENT.to_owned(),
            record: None,
        });
        let began = Instant::now();
        loop {
            app.update();
            let status = app.world().resource::<Remote>().status().clone();
            match status {
                RemoteStatus::On {
                    port, fingerprint, ..
                } if app.world().resource::<Remote>().pairing().code.is_some() => {
                    return Self {
                        app,
                        client: Client { port, fingerprint },
                        data,
                    };
                }
                RemoteStatus::Failed(problem) => panic!("the remote did not start: {problem}"),
                _ => {}
            }
            assert!(
                began.elapsed() < Duration::from_secs(20),
                "the remote did not start in 20 s"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// The pairing code showing now.
    pub fn code(&self) -> String {
        self.remote().pairing().code.clone().expect("a code").0
    }

    /// The remote as the panel sees it.
    pub fn remote(&self) -> &Remote {
        self.app.world().resource::<Remote>()
    }

    /// The runtime.
    pub fn runtime(&self) -> &SessionRuntime {
        self.app.world().resource::<SessionRuntime>()
    }

    /// Sends a command as the panel does.
    pub fn command(&mut self, command: RemoteCommand) {
        self.app.world_mut().write_message(command);
    }

    /// Runs frames for `time` (about 100 a second), letting the server's thread work.
    pub async fn run_for(&mut self, time: Duration) {
        let began = Instant::now();
        while began.elapsed() < time {
            self.app.update();
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Runs frames until `done` holds, for at most 10 s.
    pub async fn run_until(&mut self, what: &str, done: impl Fn(&App) -> bool) {
        let began = Instant::now();
        while !done(&self.app) {
            assert!(
                began.elapsed() < Duration::from_secs(10),
                "waited 10 s for {what}"
            );
            self.app.update();
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// The record's lines, as JSON.
    pub fn record_lines(&self) -> Vec<serde_json::Value> {
        let path = self.runtime().record_path().expect("a record").to_owned();
        std::fs::read_to_string(path)
            .expect("the record")
            .lines()
            .map(|line| serde_json::from_str(line).expect("a JSON line"))
            .collect()
    }
}

impl Client {
    /// The origin of the remote's page.
    pub fn origin(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }

    /// An HTTPS request; the status, the headers (lower-case names) and the body.
    pub async fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Response {
        let mut stream = self.tls().await.expect("a TLS connection");
        let mut text = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\
             Content-Length: {}\r\n",
            self.port,
            body.len()
        );
        for (name, value) in headers {
            text.push_str(&format!("{name}: {value}\r\n"));
        }
        text.push_str("\r\n");
        text.push_str(body);
        stream.write_all(text.as_bytes()).await.expect("sent");
        let mut answer = Vec::new();
        // A close without TLS's close_notify still leaves what was read.
        let _ = stream.read_to_end(&mut answer).await;
        Response::parse(&String::from_utf8_lossy(&answer))
    }

    /// Pairs with `code` as the page does; the response and the token from its cookie.
    pub async fn pair(&self, code: &str) -> (Response, Option<String>) {
        let origin = self.origin();
        let response = self
            .request(
                "POST",
                "/pair",
                &[("Origin", &origin), ("Content-Type", "application/json")],
                &format!(r#"{{"code":"{code}","name":"Test phone"}}"#),
            )
            .await;
        let token = response.header("set-cookie").and_then(|cookie| {
            cookie
                .split(';')
                .next()?
                .strip_prefix("stillpoint_remote=")
                .map(str::to_owned)
        });
        (response, token)
    }

    /// Opens the live connection with `token` and `origin`.
    pub async fn live(
        &self,
        token: Option<&str>,
        origin: &str,
    ) -> Result<WebSocketStream<TlsStream<TcpStream>>, tungstenite::Error> {
        let stream = self.tls().await.map_err(tungstenite::Error::Io)?;
        let mut request = format!("wss://127.0.0.1:{}/live", self.port).into_client_request()?;
        let headers = request.headers_mut();
        headers.insert("Origin", origin.parse().expect("a header"));
        if let Some(token) = token {
            headers.insert(
                "Cookie",
                format!("stillpoint_remote={token}")
                    .parse()
                    .expect("a header"),
            );
        }
        tokio_tungstenite::client_async(request, stream)
            .await
            .map(|(socket, _)| socket)
    }

    async fn tls(&self) -> std::io::Result<TlsStream<TcpStream>> {
        let provider = stillpoint::remote::certificate::tls_provider();
        let config = rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(std::io::Error::other)?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(Pinned {
                fingerprint: self.fingerprint.clone(),
                provider,
            }))
            .with_no_client_auth();
        let tcp = TcpStream::connect(("127.0.0.1", self.port)).await?;
        let name = ServerName::IpAddress(Ipv4Addr::LOCALHOST.into());
        TlsConnector::from(Arc::new(config))
            .connect(name, tcp)
            .await
    }
}

/// An HTTP response, read whole.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    fn parse(text: &str) -> Self {
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((text, ""));
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|line| line.split_whitespace().nth(1))
            .and_then(|code| code.parse().ok())
            .unwrap_or(0);
        let headers = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.trim().to_lowercase(), value.trim().to_owned()))
            .collect();
        Self {
            status,
            headers,
            body: body.to_owned(),
        }
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(found, _)| found == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Trusts the one certificate with this SHA-256 fingerprint, as a therapist does after
/// comparing it with the panel's.
#[derive(Debug)]
struct Pinned {
    fingerprint: String,
    provider: Arc<rustls::crypto::CryptoProvider>,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if stillpoint::remote::certificate::fingerprint(end_entity) == self.fingerprint {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(
                "not the remote's certificate".into(),
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// A current-thread runtime for a test's client.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}
