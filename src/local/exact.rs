//! The exact tier: a real three-way merge of each pair by `git merge-tree --write-tree`, which
//! makes the merged tree as unreferenced objects and touches no ref, index or working tree.
//!
//! Many merges go to one process through `--stdin` (git reads the objects once, and a
//! merge then costs a fraction of a millisecond where a process of its own costs several),
//! one such process per core.

use super::error::LocalError;
use super::git::Git;
use super::parallel;

/// Two commits to merge.
pub type Merge = (String, String);

/// The paths each merge stops on (empty: it merges cleanly), in the order given.
pub fn trial_merges(git: &Git, merges: &[Merge]) -> Result<Vec<Vec<String>>, LocalError> {
    if merges.is_empty() {
        return Ok(Vec::new());
    }
    let chunk = merges.len().div_ceil(parallel::threads(merges.len()));
    let parts: Vec<&[Merge]> = merges.chunks(chunk).collect();
    let answers = parallel::map(&parts, |part| merge_many(git, part));
    let mut all = Vec::with_capacity(merges.len());
    for answer in answers {
        all.extend(answer?);
    }
    Ok(all)
}

/// The merged trees are written as loose objects, most of them never read again: the
/// fastest compression makes them at about two thirds of the default's cost.
const ARGS: &[&str] = &[
    "-c",
    "core.looseCompression=1",
    "merge-tree",
    "--stdin",
    "--name-only",
    "-z",
    "--no-messages",
];

fn merge_many(git: &Git, merges: &[Merge]) -> Result<Vec<Vec<String>>, LocalError> {
    let input: String = merges.iter().map(|(a, b)| format!("{a} {b}\n")).collect();
    let out = git.run_with_input(ARGS, input.as_bytes())?;
    let results = parse(&out).map_err(|message| LocalError::Git {
        command: format!("git {}", ARGS.join(" ")),
        message,
    })?;
    if results.len() != merges.len() {
        return Err(LocalError::Git {
            command: format!("git {}", ARGS.join(" ")),
            message: format!("answered {} merges of {}", results.len(), merges.len()),
        });
    }
    Ok(results)
}

/// `--stdin -z --name-only --no-messages` output: per merge, its status (1 clean, 0 with
/// conflicts), the merged tree, the conflicted paths, and an empty field.
fn parse(out: &[u8]) -> Result<Vec<Vec<String>>, String> {
    let mut fields = out.split(|&b| b == 0);
    let mut results = Vec::new();
    while let Some(status) = fields.next() {
        let clean = match status {
            b"1" => true,
            b"0" => false,
            // The NUL that ends the output leaves one empty field after the last merge.
            b"" if fields.clone().next().is_none() => break,
            other => {
                return Err(format!(
                    "a merge's status is `{}`",
                    String::from_utf8_lossy(other)
                ));
            }
        };
        fields
            .next()
            .filter(|tree| !tree.is_empty())
            .ok_or("a merge without its tree")?;
        let mut paths = Vec::new();
        loop {
            match fields.next() {
                Some([]) => break,
                Some(path) => paths.push(String::from_utf8_lossy(path).into_owned()),
                None => return Err("the output stops inside a merge".into()),
            }
        }
        if clean != paths.is_empty() {
            return Err("a merge's status and its conflicted paths disagree".into());
        }
        paths.sort_unstable();
        paths.dedup();
        results.push(paths);
    }
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_merge_is_read_with_its_paths() {
        let tree = "3927ee732be0fceba447dd83748ec86ad00441e0";
        let out = format!("1\0{tree}\0\00\0{tree}\0go.sum\0a b\0\01\0{tree}\0\0");
        assert_eq!(
            parse(out.as_bytes()).unwrap(),
            [vec![], vec!["a b".to_owned(), "go.sum".to_owned()], vec![]]
        );
        assert!(parse(b"").unwrap().is_empty());
    }

    #[test]
    fn output_that_is_not_merges_is_an_error() {
        assert!(parse(b"fatal\0").is_err());
        assert!(parse(b"1\0").is_err());
        let tree = "3927ee732be0fceba447dd83748ec86ad00441e0";
        assert!(parse(format!("0\0{tree}\0\0").as_bytes()).is_err());
    }
}
