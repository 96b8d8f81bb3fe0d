//! Who may use the remote: the one-time pairing code, the lock after wrong codes, and the
//! paired devices, each known by the SHA-256 of its token (the token itself is never kept).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ring::rand::{SecureRandom, SystemRandom};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// How long a pairing code can be used.
pub const CODE_LIFETIME: Duration = Duration::from_secs(120);
/// Wrong codes in a row that lock pairing.
pub const WRONG_CODES_TO_LOCK: u32 = 5;
/// How long pairing stays locked after too many wrong codes.
pub const LOCK_TIME: Duration = Duration::from_secs(60);
/// The longest device name kept.
const NAME_LENGTH: usize = 40;

/// A paired device as the panel lists it and the devices file keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    /// A number of its own, for Forget.
    pub id: u64,
    /// The name given when it paired, e.g. "Therapist's phone".
    pub name: String,
    /// The SHA-256 of its token, hex.
    pub token_sha256: String,
    /// When it paired (UTC, RFC 3339).
    pub paired_at: String,
    /// When it was last seen (UTC, RFC 3339).
    pub last_seen: String,
}

/// Why a pairing attempt was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No code is showing in the panel (none made, used, or out of time).
    NoCode,
    /// The code was wrong; this many more wrong codes lock pairing.
    Wrong {
        /// Wrong codes left before the lock.
        left: u32,
    },
    /// Too many wrong codes: pairing waits this long.
    Locked {
        /// Time until pairing opens again.
        wait: Duration,
    },
    /// The paired devices could not be saved, so the device is not paired.
    NotSaved(String),
}

impl Refusal {
    /// The refusal in the words the phone shows.
    pub fn words(&self) -> String {
        match self {
            Self::NoCode => "There is no pairing code now. Make one in Stillpoint's Remote \
                             window and type it here."
                .to_owned(),
            Self::Wrong { left: 0 } => "That code is wrong. Pairing is locked for a minute; \
                                        make a new code in Stillpoint's Remote window after it."
                .to_owned(),
            Self::Wrong { left } => format!(
                "That code is wrong. {left} more wrong {} lock pairing for a minute.",
                if *left == 1 { "code" } else { "codes" }
            ),
            Self::Locked { wait } => format!(
                "Pairing is locked after too many wrong codes. Try again in {} seconds with a \
                 new code.",
                wait.as_secs().max(1)
            ),
            Self::NotSaved(problem) => {
                format!("Stillpoint could not save this pairing ({problem}). Try again.")
            }
        }
    }
}

/// The code showing in the panel.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Code {
    digits: String,
    made: Instant,
}

/// The pairing state: code, lock, devices, and the file the devices are kept in.
#[derive(Debug)]
pub struct Pairing {
    code: Option<Code>,
    wrong: u32,
    locked_until: Option<Instant>,
    devices: Vec<Device>,
    file: PathBuf,
    random: SystemRandom,
}

impl Pairing {
    /// The pairing kept in `file` (`devices.json` in the remote's folder); no devices when
    /// it is not there yet.
    pub fn open(file: &Path) -> Result<Self, String> {
        let devices = match std::fs::read(file) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|error| {
                format!(
                    "the paired devices in {} cannot be read: {error}",
                    file.display()
                )
            })?,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(error) => {
                return Err(format!(
                    "the paired devices in {} cannot be read: {error}",
                    file.display()
                ));
            }
        };
        Ok(Self {
            code: None,
            wrong: 0,
            locked_until: None,
            devices,
            file: file.to_owned(),
            random: SystemRandom::new(),
        })
    }

    /// Makes a new six-digit code, valid for [`CODE_LIFETIME`]; the one before no longer
    /// works.
    pub fn new_code(&mut self, now: Instant) -> Result<String, String> {
        let mut bytes = [0u8; 4];
        self.random
            .fill(&mut bytes)
            .map_err(|_| "the system gave no random numbers".to_owned())?;
        let digits = format!("{:06}", u32::from_le_bytes(bytes) % 1_000_000);
        self.code = Some(Code {
            digits: digits.clone(),
            made: now,
        });
        Ok(digits)
    }

    /// The code showing and the time it has left, if one can still be used.
    pub fn code(&self, now: Instant) -> Option<(String, Duration)> {
        let code = self.code.as_ref()?;
        let left = CODE_LIFETIME.checked_sub(now.saturating_duration_since(code.made))?;
        (!left.is_zero()).then(|| (code.digits.clone(), left))
    }

    /// How long pairing stays locked, if it is.
    pub fn locked_for(&self, now: Instant) -> Option<Duration> {
        let until = self.locked_until?;
        let wait = until.saturating_duration_since(now);
        (!wait.is_zero()).then_some(wait)
    }

    /// Pairs the device named `name` when `code` is the code showing: the code is used up,
    /// the device's token (64 hex digits, 32 random bytes) is returned once and only its
    /// hash kept. Wrong codes count towards the lock.
    pub fn pair(
        &mut self,
        code: &str,
        name: &str,
        now: Instant,
        wall_clock: &str,
    ) -> Result<(Device, String), Refusal> {
        if let Some(wait) = self.locked_for(now) {
            return Err(Refusal::Locked { wait });
        }
        let Some((digits, _)) = self.code(now) else {
            return Err(Refusal::NoCode);
        };
        if !same_bytes(code.trim().as_bytes(), digits.as_bytes()) {
            self.wrong += 1;
            if self.wrong >= WRONG_CODES_TO_LOCK {
                // The code is spent too: a new one is made after the lock.
                self.wrong = 0;
                self.code = None;
                self.locked_until = Some(now + LOCK_TIME);
                return Err(Refusal::Wrong { left: 0 });
            }
            return Err(Refusal::Wrong {
                left: WRONG_CODES_TO_LOCK - self.wrong,
            });
        }
        let mut bytes = [0u8; 32];
        self.random
            .fill(&mut bytes)
            .map_err(|_| Refusal::NotSaved("the system gave no random numbers".to_owned()))?;
        let token = hex(&bytes);
        let device = Device {
            id: self
                .devices
                .iter()
                .map(|device| device.id)
                .max()
                .unwrap_or(0)
                + 1,
            name: device_name(name),
            token_sha256: token_hash(&token),
            paired_at: wall_clock.to_owned(),
            last_seen: wall_clock.to_owned(),
        };
        self.devices.push(device.clone());
        if let Err(problem) = self.save() {
            self.devices.pop();
            return Err(Refusal::NotSaved(problem));
        }
        self.code = None;
        self.wrong = 0;
        Ok((device, token))
    }

    /// The device holding `token`, if it is paired; its last-seen time becomes
    /// `wall_clock` (kept in memory, written with the next change).
    pub fn device_of(&mut self, token: &str, wall_clock: &str) -> Option<Device> {
        let hash = token_hash(token);
        let device = self
            .devices
            .iter_mut()
            .find(|device| same_bytes(device.token_sha256.as_bytes(), hash.as_bytes()))?;
        device.last_seen = wall_clock.to_owned();
        Some(device.clone())
    }

    /// True while the device whose token hashes to `hash` is paired.
    pub fn is_paired(&self, hash: &str) -> bool {
        self.devices
            .iter()
            .any(|device| same_bytes(device.token_sha256.as_bytes(), hash.as_bytes()))
    }

    /// Forgets device `id` at once; the device forgotten, if it was paired.
    pub fn forget(&mut self, id: u64) -> Result<Option<Device>, String> {
        let Some(index) = self.devices.iter().position(|device| device.id == id) else {
            return Ok(None);
        };
        let device = self.devices.remove(index);
        self.save()?;
        Ok(Some(device))
    }

    /// The paired devices, in the order they paired.
    pub fn devices(&self) -> &[Device] {
        &self.devices
    }

    /// Writes the devices file (with the last-seen times), readable by this user alone.
    pub fn save(&self) -> Result<(), String> {
        let text = serde_json::to_vec_pretty(&self.devices).map_err(|error| error.to_string())?;
        super::certificate::write_private(&self.file, &text)
            .map_err(|error| format!("cannot write {}: {error}", self.file.display()))
    }
}

/// The SHA-256 of a token, hex: what the devices file keeps.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Compares without stopping at the first difference, so the time taken says nothing about
/// how much of a guess was right.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A device name as kept: printable, at most [`NAME_LENGTH`] characters, never empty.
fn device_name(name: &str) -> String {
    let kept: String = name
        .chars()
        .filter(|c| !c.is_control())
        .take(NAME_LENGTH)
        .collect();
    match kept.trim() {
        "" => "A device".to_owned(),
        trimmed => trimmed.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairing() -> (Pairing, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("a temp dir");
        let pairing = Pairing::open(&dir.path().join("devices.json")).expect("opens");
        (pairing, dir)
    }

    #[test]
    fn a_code_pairs_once_and_the_token_is_kept_only_as_its_hash() {
        let (mut pairing, dir) = pairing();
        let now = Instant::now();
        let code = pairing.new_code(now).expect("a code");
        assert_eq!(code.len(), 6);
        let (device, token) = pairing
            .pair(&code, "Phone", now, "2026-12-05T07:00:00Z")
            .expect("pairs");
        assert_eq!(token.len(), 64);
        let file = std::fs::read_to_string(dir.path().join("devices.json")).expect("saved");
        assert!(!file.contains(&token) && file.contains(&device.token_sha256));
        assert_eq!(
            pairing.pair(&code, "Again", now, "t"),
            Err(Refusal::NoCode),
            "a code is single use"
        );
        assert!(pairing.device_of(&token, "t").is_some());
        let reopened = Pairing::open(&dir.path().join("devices.json")).expect("reopens");
        assert_eq!(reopened.devices().len(), 1);
    }

    #[test]
    fn five_wrong_codes_lock_pairing_for_a_minute() {
        let (mut pairing, _dir) = pairing();
        let now = Instant::now();
        let code = pairing.new_code(now).expect("a code");
        let wrong = if code == "000000" { "111111" } else { "000000" };
        for left in (0..WRONG_CODES_TO_LOCK).rev() {
            assert_eq!(
                pairing.pair(wrong, "x", now, "t"),
                Err(Refusal::Wrong { left })
            );
        }
        assert!(matches!(
            pairing.pair(&code, "x", now, "t"),
            Err(Refusal::Locked { .. })
        ));
        let later = now + LOCK_TIME + Duration::from_secs(1);
        let fresh = pairing.new_code(later).expect("a code");
        assert!(pairing.pair(&fresh, "x", later, "t").is_ok());
    }

    #[test]
    fn codes_end_after_two_minutes_and_forget_removes_a_device() {
        let (mut pairing, _dir) = pairing();
        let now = Instant::now();
        let code = pairing.new_code(now).expect("a code");
        assert_eq!(
            pairing.pair(&code, "x", now + CODE_LIFETIME, "t"),
            Err(Refusal::NoCode)
        );
        let code = pairing.new_code(now).expect("a code");
        let (device, token) = pairing
            .pair(&code, "\u{7}Tablet ", now, "t")
            .expect("pairs");
        assert_eq!(device.name, "Tablet");
        assert!(pairing.forget(device.id).expect("saved").is_some());
        assert!(pairing.device_of(&token, "t").is_none());
    }
}
