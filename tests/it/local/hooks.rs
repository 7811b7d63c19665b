//! `init --hooks`: a pre-commit hook that says what a commit changes that another lane
//! changes or claims, and never stops it.

use super::scratch::Scratch;

const A1: &str = "parallel-dev/agent-1";

#[test]
fn the_hook_tells_of_other_lanes_lines_and_claims_and_the_commit_goes_through() {
    let scratch = Scratch::new();
    scratch.init();
    let installed = scratch.local(&["init", "--hooks"]);
    assert_eq!(installed.code, 0, "{installed:?}");
    let hook = scratch.repo.join(".git/hooks/pre-commit");
    assert!(
        installed.stdout.ends_with(&format!(
            "installed the pre-commit hook {}\n",
            hook.display()
        )),
        "{}",
        installed.stdout
    );
    let again = scratch.local(&["init", "--hooks"]);
    assert!(
        again.stdout.ends_with(&format!(
            "kept the pre-commit hook {}: it is up to date\n",
            hook.display()
        )),
        "{}",
        again.stdout
    );

    let (one, two, three) = scratch.three_lanes();
    scratch.edit_line(&one, 2, "two, by agent-1");
    scratch.git(&one, &["add", "app.txt"]);
    let first = scratch.git_output(&one, &["commit", "--quiet", "-m", "agent-1's change"]);
    assert!(first.status.success(), "{first:?}");
    assert_eq!(
        String::from_utf8_lossy(&first.stderr),
        "",
        "nobody else changes app.txt: the hook says nothing"
    );

    scratch.edit_line(&two, 2, "two, by agent-2");
    scratch.git(&two, &["add", "app.txt"]);
    let second = scratch.git_output(&two, &["commit", "--quiet", "-m", "agent-2's change"]);
    assert!(second.status.success(), "the hook never blocks: {second:?}");
    assert_eq!(
        String::from_utf8_lossy(&second.stderr),
        format!(
            "Changing app.txt:2 (lines as agent-2 is committing them):\n  \
             {A1} changes app.txt (line 2)\n"
        )
    );
    assert_eq!(
        scratch.git(&two, &["log", "-1", "--format=%s"]),
        "agent-2's change"
    );

    assert_eq!(
        scratch
            .local_in(&three, &["claim", "README", "--reason", "rewrite"])
            .code,
        0
    );
    scratch.write(&two, "README", "agent-2's words\n");
    scratch.git(&two, &["add", "README"]);
    let third = scratch.git_output(&two, &["commit", "--quiet", "-m", "agent-2's README"]);
    assert!(third.status.success(), "{third:?}");
    let said = String::from_utf8_lossy(&third.stderr);
    assert!(
        said.starts_with(
            "Changing README:1 (lines as agent-2 is committing them):\n  \
             agent-3 claimed README (until "
        ),
        "{said}"
    );
    assert!(said.ends_with(": rewrite)\n"), "{said}");
}

#[test]
fn a_hook_that_is_not_ours_is_left_alone_wherever_git_looks_for_hooks() {
    let scratch = Scratch::new();
    let elsewhere = scratch.root.join("team-hooks");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let theirs = "#!/bin/sh\necho their checks\n";
    std::fs::write(elsewhere.join("pre-commit"), theirs).unwrap();
    scratch.git(
        &scratch.repo,
        &["config", "core.hooksPath", &elsewhere.display().to_string()],
    );
    let answer = scratch.local(&["init", "--hooks"]);
    assert_eq!(answer.code, 0, "{answer:?}");
    assert!(
        answer.stdout.ends_with(&format!(
            "left {} alone: it is another pre-commit hook; to hear from Switchyard there \
             too, have it run `switchyard local touching --staged || true`\n",
            elsewhere.join("pre-commit").display()
        )),
        "{}",
        answer.stdout
    );
    assert_eq!(
        std::fs::read_to_string(elsewhere.join("pre-commit")).unwrap(),
        theirs
    );
    assert!(!scratch.repo.join(".git/hooks/pre-commit").exists());
}
