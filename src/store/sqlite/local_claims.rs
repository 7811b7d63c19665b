//! Local mode's claims: the paths each lane has said it is about to change, until when. One
//! row per lane and path; a lane claiming a path again replaces its claim. Every change is
//! one statement in the store's transaction, never a read followed by a rewrite, so two
//! processes claiming at once both keep their claims.

use super::{SqliteStore, db};
use crate::claims::Claim;
use crate::store::{Result, StoreError};
use chrono::{DateTime, Utc};
use rusqlite::{Row, params};

fn seconds(at: &DateTime<Utc>) -> i64 {
    at.timestamp()
}

fn time(seconds: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp(seconds, 0)
        .ok_or_else(|| StoreError::Corrupt(format!("claim time {seconds}")))
}

/// A row: lane, path, task, reason, claimed at, until (seconds).
type ClaimRow = (String, String, Option<String>, Option<String>, i64, i64);

fn claim(row: &Row<'_>) -> rusqlite::Result<ClaimRow> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
    ))
}

const COLUMNS: &str = "lane, path, task, reason, claimed_at, until";

impl SqliteStore {
    /// Every claim still holding at `now`, by lane, then path.
    pub fn local_claims(&self, now: DateTime<Utc>) -> Result<Vec<Claim>> {
        self.run(move |conn| {
            let mut statement = conn
                .prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM local_claims WHERE until > ?1 ORDER BY lane, path"
                ))
                .map_err(db)?;
            let rows = statement.query_map([seconds(&now)], claim).map_err(db)?;
            let mut claims = Vec::new();
            for row in rows {
                let (lane, path, task, reason, claimed_at, until) = row.map_err(db)?;
                claims.push(Claim {
                    lane,
                    path,
                    task,
                    reason,
                    claimed_at: time(claimed_at)?,
                    until: time(until)?,
                });
            }
            Ok(claims)
        })
    }

    /// Records the claims, each replacing its lane's claim on its path, and forgets the
    /// claims that ended before `now`.
    pub fn add_local_claims(&self, claims: &[Claim], now: DateTime<Utc>) -> Result<()> {
        let claims = claims.to_vec();
        self.run(move |conn| {
            conn.prepare_cached("DELETE FROM local_claims WHERE until <= ?1")
                .and_then(|mut s| s.execute([seconds(&now)]))
                .map_err(db)?;
            let mut statement = conn
                .prepare_cached(&format!(
                    "INSERT INTO local_claims ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (lane, path) DO UPDATE SET task = excluded.task,
                         reason = excluded.reason, claimed_at = excluded.claimed_at,
                         until = excluded.until"
                ))
                .map_err(db)?;
            for claim in &claims {
                statement
                    .execute(params![
                        claim.lane,
                        claim.path,
                        claim.task,
                        claim.reason,
                        seconds(&claim.claimed_at),
                        seconds(&claim.until)
                    ])
                    .map_err(db)?;
            }
            Ok(())
        })
    }

    /// Removes `lane`'s claims on `paths` (all of its claims when `None`), ended ones too;
    /// the paths of those that still held at `now`.
    pub fn remove_local_claims(
        &self,
        lane: &str,
        paths: Option<&[String]>,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>> {
        let lane = lane.to_owned();
        let paths = paths.map(<[String]>::to_vec);
        self.run(move |conn| {
            let mut removed = Vec::new();
            let mut statement = conn
                .prepare_cached(
                    "DELETE FROM local_claims WHERE lane = ?1 AND (?2 IS NULL OR path = ?2)
                     RETURNING path, until",
                )
                .map_err(db)?;
            let each: Vec<Option<String>> = match paths {
                Some(paths) => paths.into_iter().map(Some).collect(),
                None => vec![None],
            };
            for path in each {
                let rows = statement
                    .query_map(params![lane, path], |row| {
                        Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
                    })
                    .map_err(db)?;
                for row in rows {
                    let (path, until) = row.map_err(db)?;
                    if until > seconds(&now) {
                        removed.push(path);
                    }
                }
            }
            removed.sort();
            Ok(removed)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + minute * 60, 0).unwrap()
    }

    fn claim(lane: &str, path: &str, until: i64) -> Claim {
        Claim {
            lane: lane.into(),
            path: path.into(),
            task: Some("T1".into()),
            reason: None,
            claimed_at: at(0),
            until: at(until),
        }
    }

    #[test]
    fn claims_hold_until_they_end_and_a_claim_again_replaces() {
        let store = SqliteStore::open(":memory:").unwrap();
        store
            .add_local_claims(
                &[claim("agent-1", "a.rs", 60), claim("agent-2", "b/", 30)],
                at(0),
            )
            .unwrap();
        assert_eq!(store.local_claims(at(10)).unwrap().len(), 2);
        assert_eq!(
            store.local_claims(at(30)).unwrap(),
            vec![claim("agent-1", "a.rs", 60)]
        );
        store
            .add_local_claims(&[claim("agent-1", "a.rs", 90)], at(40))
            .unwrap();
        assert_eq!(
            store.local_claims(at(70)).unwrap(),
            vec![claim("agent-1", "a.rs", 90)]
        );
        assert_eq!(
            store.remove_local_claims("agent-2", None, at(70)).unwrap(),
            Vec::<String>::new(),
            "agent-2's claim ended and was forgotten"
        );
        assert_eq!(
            store
                .remove_local_claims("agent-1", Some(&["a.rs".into(), "c".into()]), at(70))
                .unwrap(),
            vec!["a.rs".to_owned()]
        );
        assert!(store.local_claims(at(0)).unwrap().is_empty());
    }
}
