//! The Remote window, opened from the panel's bar: turns the therapist's remote on and off,
//! shows where a phone opens it (address and QR code), the one-time pairing code, the
//! certificate's fingerprint to compare, and the paired devices, each with Forget. It also
//! shares with the remote what the panel knows: the library's sessions, the resume offers
//! and the check-in answers read from the record.

use std::time::Instant;

use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};

use super::live::{Library, LiveRecord};
use super::view::{BAD, CALM, GOOD, PanelState, WARN, scaled};
use crate::AppSystems;
use crate::remote::{
    CheckInShown, PanelFacts, Remote, RemoteCommand, RemoteStatus, ResumeOffer, SessionChoice,
};
use crate::script::duration::format_length;

/// The Remote window's egui id; the bar's button opens it through egui's memory.
const WINDOW_OPEN: &str = "remote-window-open";

/// What the remote learns from the panel; the window ([`draw_window`]) is drawn after the
/// panel, as `mod.rs` orders it.
pub(super) fn plugin(app: &mut App) {
    app.init_resource::<QrPicture>()
        .add_message::<RemoteCommand>()
        .add_systems(Update, share_with_remote.in_set(AppSystems::Present));
}

/// The bar's "Remote…" button: opens the Remote window.
pub(super) fn remote_button(ui: &mut egui::Ui) {
    if ui
        .button("Remote…")
        .on_hover_text("Control the session from a phone or tablet on the clinic's network")
        .clicked()
    {
        ui.ctx()
            .data_mut(|data| data.insert_temp(egui::Id::new(WINDOW_OPEN), true));
    }
}

/// The QR code of the remote's address, drawn once per address.
#[derive(Resource, Default)]
pub(super) struct QrPicture(Option<(String, egui::TextureHandle)>);

/// Draws the Remote window while it is open and the panel shows.
pub(super) fn draw_window(
    mut contexts: EguiContexts,
    panel: Res<PanelState>,
    remote: Option<Res<Remote>>,
    mut qr: ResMut<QrPicture>,
    mut commands: MessageWriter<RemoteCommand>,
) -> Result {
    // Without the remote's plugin (some tests build the panel alone) there is no window.
    let Some(remote) = remote else {
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?.clone();
    let id = egui::Id::new(WINDOW_OPEN);
    let mut open = ctx.data(|data| data.get_temp::<bool>(id).unwrap_or(false));
    if !open || !panel.visible {
        return Ok(());
    }
    let mut asked = Vec::new();
    egui::Window::new("Remote control")
        .id(egui::Id::new("remote-window"))
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .default_pos(egui::pos2(24.0, 24.0))
        .default_width(380.0)
        .show(&ctx, |ui| {
            window_contents(ui, &remote, &mut qr, &mut asked);
        });
    ctx.data_mut(|data| data.insert_temp(id, open));
    commands.write_batch(asked);
    // The code's countdown moves on its own.
    if remote.is_on() {
        ctx.request_repaint_after(std::time::Duration::from_millis(500));
    }
    Ok(())
}

fn window_contents(
    ui: &mut egui::Ui,
    remote: &Remote,
    qr: &mut QrPicture,
    asked: &mut Vec<RemoteCommand>,
) {
    ui.set_max_width(380.0);
    ui.label(
        "A phone or tablet on the clinic's network controls the session: Calm, pause, \
         steps, End, volumes and safety alerts.",
    );
    let mut on = remote.is_on();
    if ui.checkbox(&mut on, "Remote on").changed() {
        asked.push(if on {
            RemoteCommand::TurnOn
        } else {
            RemoteCommand::TurnOff
        });
    }
    match remote.status() {
        RemoteStatus::Off => {
            ui.small("Off: nothing listens on the network.");
            return;
        }
        RemoteStatus::Starting => {
            ui.label("Starting…");
            return;
        }
        RemoteStatus::Failed(problem) => {
            ui.colored_label(BAD, format!("⚠ The remote is off: {problem}"));
            return;
        }
        RemoteStatus::On {
            url, fingerprint, ..
        } => {
            ui.separator();
            ui.label("On the phone, open this address (or scan the code):");
            ui.label(
                egui::RichText::new(url)
                    .monospace()
                    .strong()
                    .size(scaled(ui, 17.0)),
            );
            if let Some(texture) = qr_texture(ui.ctx(), qr, url) {
                ui.add(egui::Image::new((texture.id(), egui::vec2(180.0, 180.0))));
            }
            pairing_code(ui, remote, asked);
            ui.add_space(4.0);
            ui.label(egui::RichText::new("Certificate fingerprint (SHA-256)").strong());
            ui.small(
                "The browser warns once. Continue only when its certificate details show \
                 this fingerprint:",
            );
            ui.label(egui::RichText::new(fingerprint).monospace().small());
        }
    }
    ui.separator();
    ui.label(egui::RichText::new("Paired devices").strong());
    let devices = &remote.pairing().devices;
    if devices.is_empty() {
        ui.small("None yet.");
    }
    for device in devices {
        ui.horizontal(|ui| {
            ui.label(&device.name);
            ui.small(format!("last seen {}", device.last_seen.replace('T', " ")));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui
                    .button(egui::RichText::new("Forget").color(BAD))
                    .on_hover_text("Unpair it now; an open page on it stops at once")
                    .clicked()
                {
                    asked.push(RemoteCommand::Forget(device.id));
                }
            });
        });
    }
}

fn pairing_code(ui: &mut egui::Ui, remote: &Remote, asked: &mut Vec<RemoteCommand>) {
    let now = Instant::now();
    let pairing = remote.pairing();
    if let Some(until) = pairing.locked_until.filter(|until| *until > now) {
        ui.colored_label(
            WARN,
            format!(
                "Pairing is locked for {} s after five wrong codes.",
                until.saturating_duration_since(now).as_secs() + 1
            ),
        );
        return;
    }
    match &pairing.code {
        Some((code, until)) if *until > now => {
            ui.horizontal(|ui| {
                ui.label("Pairing code");
                ui.label(
                    egui::RichText::new(match code.split_at_checked(3) {
                        Some((first, last)) => format!("{first} {last}"),
                        None => code.clone(),
                    })
                    .monospace()
                    .size(scaled(ui, 28.0))
                    .strong()
                    .color(GOOD),
                );
            });
            ui.small(format!(
                "Works once, for {} s more.",
                until.saturating_duration_since(now).as_secs() + 1
            ));
        }
        _ => {
            let new = egui::Button::new("New pairing code").fill(CALM);
            if ui.add(new).clicked() {
                asked.push(RemoteCommand::NewCode);
            }
        }
    }
}

/// The QR code of `url` as a texture, made again only when the address changes.
fn qr_texture<'a>(
    ctx: &egui::Context,
    qr: &'a mut QrPicture,
    url: &str,
) -> Option<&'a egui::TextureHandle> {
    if qr.0.as_ref().is_none_or(|(shown, _)| shown != url) {
        let code = qrcode::QrCode::new(url.as_bytes()).ok()?;
        let width = code.width();
        let quiet = 2;
        let side = width + 2 * quiet;
        let mut pixels = vec![egui::Color32::WHITE; side * side];
        for (index, colour) in code.to_colors().iter().enumerate() {
            if *colour == qrcode::Color::Dark {
                let (x, y) = (index % width + quiet, index / width + quiet);
                pixels[y * side + x] = egui::Color32::BLACK;
            }
        }
        let image = egui::ColorImage::new([side, side], pixels);
        let texture = ctx.load_texture("remote-qr", image, egui::TextureOptions::NEAREST);
        qr.0 = Some((url.to_owned(), texture));
    }
    qr.0.as_ref().map(|(_, texture)| texture)
}

/// Keeps the remote's copy of the library's sessions, the resume offers and the check-in
/// answers in step with the panel's.
fn share_with_remote(
    library: Res<Library>,
    live: Res<LiveRecord>,
    remote: Option<Res<Remote>>,
    facts: Option<ResMut<PanelFacts>>,
) {
    let (Some(remote), Some(mut facts)) = (remote, facts) else {
        return;
    };
    if !remote.is_on() || !(library.is_changed() || live.is_changed() || remote.is_changed()) {
        return;
    }
    let sessions = library
        .items
        .iter()
        .filter_map(|item| {
            let summary = item.summary.as_ref()?;
            Some(SessionChoice {
                id: item.id.clone(),
                title: summary.title.clone(),
                phase: summary.phase.label().to_owned(),
                length: format_length(summary.length_secs),
                path: item.path.clone(),
            })
        })
        .collect();
    let unfinished = library
        .unfinished
        .iter()
        .filter_map(|record| {
            let script = library.file_of(&record.script)?;
            Some(ResumeOffer {
                key: record
                    .path
                    .file_name()
                    .map(|name| name.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                patient: record.patient.clone(),
                session: record.script.clone(),
                day: record
                    .started_at
                    .get(..10)
                    .unwrap_or(&record.started_at)
                    .to_owned(),
                step: record.step + 1,
                record: record.path.clone(),
                script: script.to_path_buf(),
            })
        })
        .collect();
    let check_ins = live
        .summary
        .as_ref()
        .map(|summary| {
            summary
                .answers
                .iter()
                .map(|answer| CheckInShown {
                    id: answer.id.clone(),
                    value: answer.value,
                    minute: (answer.at / 60.0).floor().max(0.0) as u32,
                })
                .collect()
        })
        .unwrap_or_default();
    let shared = PanelFacts {
        sessions,
        unfinished,
        check_ins,
    };
    if *facts != shared {
        *facts = shared;
    }
}
