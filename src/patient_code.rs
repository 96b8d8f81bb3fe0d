//! The patient's code: the pseudonym (such as "P-014") under which a patient's records,
//! paintings and reports are kept, never a name. Everything that takes a code from a person
//! (the panel, the command line, an imported archive, the records folder) checks it here.
//!
//! One code is reserved: [`PRACTICE`], the practice patient of training and the morning
//! headset check. A person cannot type it as a patient's code ([`check`] refuses it); the
//! panel's practice switch uses it, and the places that keep records accept it through
//! [`check_or_practice`].

/// The practice patient's code: its records are kept apart from every real patient's.
pub const PRACTICE: &str = "PRACTICE";

/// Checks a patient code: a pseudonym such as "P-014", never a name, and never the practice
/// code.
pub fn check(code: &str) -> Result<(), String> {
    if code.eq_ignore_ascii_case(PRACTICE) {
        return Err(format!(
            "\"{code}\" is kept for practice: turn on practice mode in the panel instead of \
             typing it"
        ));
    }
    let usable = !code.is_empty()
        && code.len() <= 32
        && code
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
        && code.bytes().any(|byte| byte.is_ascii_digit());
    if usable {
        Ok(())
    } else {
        Err(format!(
            "\"{code}\" is not a patient code: use the pseudonymous code from the patient's file, such as \"P-014\" (letters, digits, - or _, with at least one digit; never a name)"
        ))
    }
}

/// Checks a code records are kept under: a patient's code, or the practice code.
pub fn check_or_practice(code: &str) -> Result<(), String> {
    if is_practice(code) {
        Ok(())
    } else {
        check(code)
    }
}

/// True for the practice code.
pub fn is_practice(code: &str) -> bool {
    code == PRACTICE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_a_short_pseudonym_with_a_digit_never_a_name() {
        for good in ["P-014", "p_7", "2026-03"] {
            assert_eq!(check(good), Ok(()), "{good}");
            assert_eq!(check_or_practice(good), Ok(()), "{good}");
        }
        for bad in ["", "Jane Doe", "P-ABC", "../P-1", "P 1", &"P-1".repeat(20)] {
            assert!(check(bad).is_err(), "{bad}");
            assert!(check_or_practice(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_practice_code_is_only_accepted_through_the_practice_switch() {
        for typed in ["PRACTICE", "practice", "Practice"] {
            let refused = check(typed);
            assert!(
                refused
                    .as_ref()
                    .is_err_and(|problem| problem.contains("practice mode")),
                "{typed}: {refused:?}"
            );
        }
        assert_eq!(check_or_practice(PRACTICE), Ok(()));
        assert!(
            check_or_practice("practice").is_err(),
            "spelled as it is reserved"
        );
        assert!(is_practice(PRACTICE) && !is_practice("P-014"));
    }
}
