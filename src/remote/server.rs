//! The remote's HTTPS server, on a thread of its own with a single-threaded async runtime:
//! it never runs on a frame. It talks to the app only through channels: requests and the
//! pairing out, the state snapshot and the panel's commands (new code, forget, stop) in.

use std::net::{IpAddr, SocketAddr, TcpListener, UdpSocket};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum_server::Handle;
use axum_server::tls_rustls::RustlsConfig;
use tokio::sync::{broadcast, mpsc, watch};

use super::certificate;
use super::clinic_log::ClinicLog;
use super::pairing::Pairing;
use super::protocol::{FromServer, ToServer};
use super::routes::{Shared, router};

/// The devices file in the remote's folder.
pub const DEVICES_FILE: &str = "devices.json";

/// Where the server keeps its files and where it listens.
#[derive(Debug, Clone)]
pub struct ServerSetup {
    /// The remote's folder: certificate, key, paired devices.
    pub folder: PathBuf,
    /// The clinic log.
    pub log: PathBuf,
    /// The address to listen on.
    pub address: IpAddr,
    /// The port (0 for any free one).
    pub port: u16,
}

/// The app's side of a running server.
#[derive(Debug)]
pub struct RunningServer {
    /// What the server says.
    pub from_server: crossbeam_channel::Receiver<FromServer>,
    /// What the app asks of it.
    pub to_server: mpsc::UnboundedSender<ToServer>,
    /// The state the pages show, as JSON.
    pub snapshot: watch::Sender<Arc<str>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl RunningServer {
    /// Starts the server's thread; what it finds (listening, or why not) comes as the first
    /// [`FromServer`] message.
    pub fn start(setup: ServerSetup) -> Result<Self, String> {
        let (to_app, from_server) = crossbeam_channel::unbounded();
        let (to_server, commands) = mpsc::unbounded_channel();
        let (snapshot, pages) = watch::channel(Arc::<str>::from("{}"));
        let thread = std::thread::Builder::new()
            .name("stillpoint-remote".to_owned())
            .spawn(move || serve(setup, to_app, commands, pages))
            .map_err(|error| format!("the remote's thread cannot start: {error}"))?;
        Ok(Self {
            from_server,
            to_server,
            snapshot,
            thread: Some(thread),
        })
    }

    /// Stops serving: every connection closes and the thread ends.
    pub fn stop(&mut self) {
        let _ = self.to_server.send(ToServer::Stop);
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            bevy::log::error!("the remote's thread stopped unexpectedly");
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The address of this computer on its network (the one a phone on the same Wi-Fi
/// reaches), found without sending anything.
pub fn lan_address() -> Option<IpAddr> {
    let socket = UdpSocket::bind("0.0.0.0:0").ok()?;
    // Connecting a UDP socket only picks the route; no packet leaves.
    socket.connect("192.0.2.1:9").ok()?;
    let address = socket.local_addr().ok()?.ip();
    (!address.is_unspecified() && !address.is_loopback()).then_some(address)
}

fn serve(
    setup: ServerSetup,
    to_app: crossbeam_channel::Sender<FromServer>,
    commands: mpsc::UnboundedReceiver<ToServer>,
    pages: watch::Receiver<Arc<str>>,
) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            let _ = to_app.send(FromServer::Failed(format!(
                "the remote cannot start its runtime: {error}"
            )));
            return;
        }
    };
    let failed = to_app.clone();
    if let Err(problem) = runtime.block_on(listen(setup, to_app, commands, pages)) {
        let _ = failed.send(FromServer::Failed(problem));
    }
}

async fn listen(
    setup: ServerSetup,
    to_app: crossbeam_channel::Sender<FromServer>,
    mut commands: mpsc::UnboundedReceiver<ToServer>,
    pages: watch::Receiver<Arc<str>>,
) -> Result<(), String> {
    let lan = lan_address();
    let shown = if setup.address.is_unspecified() {
        lan.unwrap_or(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST))
    } else {
        setup.address
    };
    crate::private::create_dir(&setup.folder)
        .map_err(|error| format!("cannot make {}: {error}", setup.folder.display()))?;
    let certificate = certificate::load_or_make(&setup.folder, &[shown])?;
    let pairing = Pairing::open(&setup.folder.join(DEVICES_FILE))?;
    let listener =
        TcpListener::bind(SocketAddr::new(setup.address, setup.port)).map_err(|error| {
            format!(
                "the remote cannot listen on {}:{} ({error}); choose another port in the \
                 settings (remote: port)",
                setup.address, setup.port
            )
        })?;
    listener
        .set_nonblocking(true)
        .map_err(|error| format!("the remote cannot listen: {error}"))?;
    let bound = listener
        .local_addr()
        .map_err(|error| format!("the remote cannot listen: {error}"))?;
    let (forgotten, _) = broadcast::channel(16);
    let shared = Arc::new(Shared {
        pairing: Mutex::new(pairing),
        log: Mutex::new(ClinicLog::at(&setup.log)),
        forgotten,
        snapshot: pages,
        to_app: to_app.clone(),
    });
    let handle = Handle::new();
    let server =
        axum_server::from_tcp_rustls(listener, RustlsConfig::from_config(certificate.config))
            .map_err(|error| format!("the remote cannot listen: {error}"))?
            .handle(handle.clone())
            .serve(router(shared.clone()).into_make_service_with_connect_info::<SocketAddr>());
    let url = format!("https://{}/", SocketAddr::new(shown, bound.port()));
    shared.log().write(&format!(
        "turned on at {url} (listening on {bound}; certificate SHA-256 {})",
        certificate.fingerprint
    ));
    let _ = to_app.send(FromServer::Listening {
        url,
        bound,
        fingerprint: certificate.fingerprint,
    });
    shared.publish_pairing();
    let commanded = shared.clone();
    tokio::spawn(async move {
        while let Some(command) = commands.recv().await {
            match command {
                ToServer::NewCode => {
                    let made = commanded.pairing().new_code(Instant::now());
                    if let Err(problem) = made {
                        commanded
                            .log()
                            .write(&format!("no pairing code: {problem}"));
                    }
                    commanded.publish_pairing();
                }
                ToServer::Forget(id) => {
                    let forgotten = commanded.pairing().forget(id);
                    match forgotten {
                        Ok(Some(device)) => {
                            let _ = commanded.forgotten.send(device.token_sha256.clone());
                            commanded.log().write(&format!(
                                "forgot device {} \"{}\": its token is revoked",
                                device.id, device.name
                            ));
                        }
                        Ok(None) => {}
                        Err(problem) => commanded
                            .log()
                            .write(&format!("could not forget device {id}: {problem}")),
                    }
                    commanded.publish_pairing();
                }
                ToServer::Stop => break,
            }
        }
        // Stopped, or the app is gone.
        commanded.log().write("turned off");
        handle.shutdown();
    });
    server
        .await
        .map_err(|error| format!("the remote stopped: {error}"))
}
