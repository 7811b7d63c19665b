//! Reading the link GitHub sends the browser back with, `/setup/callback?code=…&state=…`:
//! whether it finishes a registration this server started, and GitHub's one-time code.

use super::conversion::is_plausible_code;
use subtle::ConstantTimeEq;

/// Why a callback link registers nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackRefusal {
    /// The state is missing, given twice, or not this server's: the registration was not
    /// started from this server's page.
    WrongState,
    /// The code is missing, given twice, or holds characters a code never has.
    NoCode,
}

/// The code from `query` (the part of the link after `?`, percent-encoded), if the link
/// carries `expected_state`. Any query, however malformed, gets one of the two answers.
pub fn read_callback(query: &str, expected_state: &str) -> Result<String, CallbackRefusal> {
    let mut state = None;
    let mut code = None;
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        let slot = match &*key {
            "state" => &mut state,
            "code" => &mut code,
            _ => continue,
        };
        // A value given twice is ambiguous; neither copy is trusted.
        *slot = Some(if slot.is_some() { None } else { Some(value) });
    }
    let state = state.flatten().ok_or(CallbackRefusal::WrongState)?;
    if !same_secret(&state, expected_state) {
        return Err(CallbackRefusal::WrongState);
    }
    match code.flatten() {
        Some(code) if is_plausible_code(&code) => Ok(code.into_owned()),
        _ => Err(CallbackRefusal::NoCode),
    }
}

/// Compares without stopping at the first difference, so the time taken says nothing about
/// how much of a guess was right.
fn same_secret(given: &str, expected: &str) -> bool {
    given.as_bytes().ct_eq(expected.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATE: &str = "9f2c";

    #[test]
    fn states_compare_whole() {
        assert!(same_secret("abcd", "abcd"));
        assert!(!same_secret("abce", "abcd"));
        assert!(!same_secret("abc", "abcd"));
        assert!(!same_secret("", "abcd"));
    }

    #[test]
    fn a_link_with_this_servers_state_gives_its_code() {
        assert_eq!(
            read_callback("code=a1_b-2&state=9f2c", STATE),
            Ok("a1_b-2".into())
        );
        assert_eq!(
            read_callback("state=9f%32c&code=x&other=1", STATE),
            Ok("x".into())
        );
    }

    #[test]
    fn a_missing_doubled_or_wrong_state_is_refused_before_the_code_is_read() {
        for query in [
            "",
            "code=abc",
            "code=abc&state=",
            "code=abc&state=9f2d",
            "code=abc&state=9f2c&state=9f2c",
            "code=abc&state=%FF%FE",
            "&&&=&state",
        ] {
            assert_eq!(
                read_callback(query, STATE),
                Err(CallbackRefusal::WrongState),
                "{query}"
            );
        }
    }

    #[test]
    fn a_missing_doubled_or_implausible_code_is_refused() {
        for query in [
            "state=9f2c",
            "state=9f2c&code=",
            "state=9f2c&code=a&code=b",
            "state=9f2c&code=..%2F..%2Fapp",
            "state=9f2c&code=a+b",
        ] {
            assert_eq!(
                read_callback(query, STATE),
                Err(CallbackRefusal::NoCode),
                "{query}"
            );
        }
    }
}
