//! Free text: names, product types, e-mails, notes and references.

use crate::error::{Error, Result};

/// Most characters a movement's `note` or `reference` may have (SPEC section 5).
pub const MAX_NOTE: usize = 1000;

/// Checks a movement's free text (`note`, `reference`): at most
/// [`MAX_NOTE`] characters and no NUL character (which PostgreSQL cannot
/// store, so neither engine takes it); the message names the field.
pub fn free_text(what: &str, text: Option<&str>) -> Result<()> {
    let Some(text) = text else {
        return Ok(());
    };
    let len = text.chars().count();
    if len > MAX_NOTE {
        return Err(Error::invalid(format!(
            "{what} must be at most {MAX_NOTE} characters ({len} given)"
        )));
    }
    refuse_nul(what, text)
}

/// Refuses text with a NUL character on either engine (PostgreSQL's `TEXT`
/// cannot hold one, and a file must copy to a server): invalid input naming
/// `what` and the value.
pub fn refuse_nul(what: &str, text: &str) -> Result<()> {
    if text.contains('\0') {
        return Err(Error::invalid(format!(
            "{what} cannot contain a NUL character: {text:?}"
        )));
    }
    Ok(())
}

/// Validates a required free-text field (a name): not blank, at most 200 characters.
pub fn name(what: &str, text: &str) -> Result<String> {
    if text.trim().is_empty() {
        return Err(Error::invalid(format!("{what} must not be blank")));
    }
    refuse_nul(what, text)?;
    if text.chars().count() > 200 {
        return Err(Error::invalid(format!(
            "{what} must be at most 200 characters: {text}"
        )));
    }
    Ok(text.to_owned())
}

/// Validates a product type: 1–64 characters, not blank, no control characters.
pub fn product_type(text: &str) -> Result<String> {
    if text.trim().is_empty() || text.chars().count() > 64 || text.chars().any(char::is_control) {
        return Err(Error::invalid(format!(
            "type must be 1-64 characters without control characters: {text:?}"
        )));
    }
    Ok(text.to_owned())
}

/// Validates an e-mail address loosely: `local@domain`, no whitespace.
pub fn email(text: &str) -> Result<String> {
    let ok = match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !text.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    };
    if ok {
        Ok(text.to_owned())
    } else {
        Err(Error::invalid(format!(
            "email must look like local@domain: {text}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_text_is_at_most_1000_characters_without_nul() {
        assert!(free_text("note", None).is_ok());
        assert!(free_text("note", Some(&"é".repeat(1000))).is_ok());
        let long = free_text("reference", Some(&"x".repeat(1001))).unwrap_err();
        assert_eq!(long.exit_code(), 3);
        assert_eq!(
            long.message(),
            "reference must be at most 1000 characters (1001 given)"
        );
        let nul = free_text("note", Some("a\0b")).unwrap_err();
        assert!(
            nul.message()
                .starts_with("note cannot contain a NUL character")
        );
        assert!(name("name", "a\0").is_err());
    }

    #[test]
    fn emails() {
        assert!(email("orders@supplier.com").is_ok());
        for bad in ["orders", "@x", "x@", "a b@c", "a@b@c"] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }
}
