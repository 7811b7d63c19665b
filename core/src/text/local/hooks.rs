//! The pre-commit hook `switchyard local init --hooks` installs, and what installing it did.

/// The marker that tells our pre-commit hook from anyone else's.
pub const HOOK_MARKER: &str = "# switchyard local pre-commit hook";

/// The pre-commit hook: `switchyard` (found at `exe`, else on the PATH) says what the
/// commit changes that other lanes change or claim; it never stops the commit.
pub fn pre_commit_hook(exe: &str) -> String {
    let quoted = exe.replace('\'', r"'\''");
    format!(
        "#!/bin/sh\n\
         {HOOK_MARKER}: installed by `switchyard local init --hooks`.\n\
         # Prints what this commit changes that another lane changes or claims. It never\n\
         # stops the commit: it always exits 0.\n\
         exe='{quoted}'\n\
         [ -x \"$exe\" ] || exe=switchyard\n\
         command -v \"$exe\" >/dev/null 2>&1 || exit 0\n\
         said=$(\"$exe\" local touching --staged 2>&1)\n\
         [ $? -eq 0 ] || printf '%s\\n' \"$said\" >&2\n\
         exit 0\n"
    )
}

/// What `init --hooks` did with one hooks folder.
pub fn hook_installed(path: &str) -> String {
    format!("installed the pre-commit hook {path}")
}

pub fn hook_kept(path: &str) -> String {
    format!("kept the pre-commit hook {path}: it is up to date")
}

pub fn hook_refused(path: &str) -> String {
    format!(
        "left {path} alone: it is another pre-commit hook; to hear from Switchyard there too, \
         have it run `switchyard local touching --staged || true`"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_installing_it_did() {
        let path = ".git/hooks/pre-commit";
        let said = [hook_installed(path), hook_kept(path), hook_refused(path)];
        insta::assert_snapshot!(said.join("\n"));
    }

    #[test]
    fn the_hook_never_stops_a_commit_and_quotes_its_path() {
        let hook = pre_commit_hook("/opt/it's/switchyard");
        assert!(hook.contains(r"exe='/opt/it'\''s/switchyard'"), "{hook}");
        assert!(hook.contains(HOOK_MARKER));
        assert!(hook.trim_end().ends_with("exit 0"));
        insta::assert_snapshot!(hook);
    }
}
