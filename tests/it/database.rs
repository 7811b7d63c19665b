//! The PostgreSQL the tests run against: `SWITCHYARD_TEST_DATABASE_URL`, by default
//! `postgres://root@127.0.0.1/test`. Each test gets a schema of its own, made for it and
//! dropped after it, so tests run in parallel and again on one server. Without a server the
//! tests that need one say so and pass, except under `CI=true`, where they fail.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

pub fn test_database_url() -> String {
    std::env::var("SWITCHYARD_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://root@127.0.0.1/test".to_owned())
}

/// A schema of its own on the test server, dropped with it.
pub struct Schema {
    base: String,
    name: String,
    /// The database URL that puts the App in this schema.
    pub url: String,
}

static NEXT_SCHEMA: AtomicU64 = AtomicU64::new(0);

impl Schema {
    /// `None`, having said why, when the server does not answer outside CI.
    pub fn create() -> Option<Self> {
        let base = test_database_url();
        let name = format!(
            "it_{}_{}_{}",
            std::process::id(),
            NEXT_SCHEMA.fetch_add(1, Ordering::Relaxed),
            chrono::Utc::now().timestamp_micros()
        );
        match execute(&base, &format!("CREATE SCHEMA {name}")) {
            Ok(()) => {}
            Err(e) if std::env::var("CI").as_deref() == Ok("true") => {
                panic!("PostgreSQL at {base} is needed under CI=true: {e}")
            }
            Err(e) => {
                eprintln!("skipped: needs PostgreSQL ({base}: {e})");
                return None;
            }
        }
        let separator = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{separator}options=-c%20search_path%3D{name}");
        Some(Self { base, name, url })
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        let _ = execute(&self.base, &format!("DROP SCHEMA {} CASCADE", self.name));
    }
}

/// One batch of SQL on its own connection, on a thread of its own so that it works from
/// async tests and plain ones alike.
pub fn execute(url: &str, sql: &str) -> Result<(), String> {
    let (url, sql) = (url.to_owned(), sql.to_owned());
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        runtime.block_on(async {
            let connect = tokio_postgres::connect(&url, tokio_postgres::NoTls);
            let (client, connection) = tokio::time::timeout(Duration::from_secs(5), connect)
                .await
                .map_err(|_| "no answer within 5 s".to_owned())?
                .map_err(|e| e.to_string())?;
            let connection = tokio::spawn(connection);
            let done = client.batch_execute(&sql).await.map_err(|e| {
                e.as_db_error()
                    .map_or_else(|| e.to_string(), |db| db.to_string())
            });
            drop(client);
            let _ = connection.await;
            done
        })
    })
    .join()
    .map_err(|_| "the database thread panicked".to_owned())?
}
