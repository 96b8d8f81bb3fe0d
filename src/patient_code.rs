//! The patient's code: the pseudonym (such as "P-014") under which a patient's records,
//! paintings and reports are kept, never a name. Everything that takes a code from a person
//! (the panel, the command line, an imported archive, the records folder) checks it here.

/// Checks a patient code: a pseudonym such as "P-014", never a name.
pub fn check(code: &str) -> Result<(), String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_a_short_pseudonym_with_a_digit_never_a_name() {
        for good in ["P-014", "p_7", "2026-03"] {
            assert_eq!(check(good), Ok(()), "{good}");
        }
        for bad in ["", "Jane Doe", "P-ABC", "../P-1", "P 1", &"P-1".repeat(20)] {
            assert!(check(bad).is_err(), "{bad}");
        }
    }
}
