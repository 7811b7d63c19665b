//! The store as the keeper of each installation's rate-limit budget.

use super::SharedStore;
use crate::github::{Ledger, Pauses};
use crate::ids::InstallationId;

pub struct StoreLedger(pub SharedStore);

impl Ledger for StoreLedger {
    fn shared(&self) -> bool {
        self.0.shared()
    }

    fn take_write_slot(
        &self,
        installation: InstallationId,
        now: i64,
        interval_ms: i64,
    ) -> Result<(i64, Pauses), String> {
        (self.0)
            .take_write_slot(installation, now, interval_ms)
            .map_err(|e| e.to_string())
    }

    fn pause(&self, installation: InstallationId, pauses: Pauses) -> Result<(), String> {
        (self.0)
            .pause_installation(installation, pauses)
            .map_err(|e| e.to_string())
    }

    fn pauses(&self, installation: InstallationId) -> Result<Pauses, String> {
        (self.0)
            .installation_pauses(installation)
            .map_err(|e| e.to_string())
    }
}
