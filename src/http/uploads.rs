//! What the classifications in flight hold: how many each client has, and how much memory
//! their bodies take together. `POST /v1/classify` enters here before it reads its body.

use std::sync::Arc;

use super::problem::{ApiError, Kind};
use crate::t;

/// How long an upload waits for room in the memory budget before it is answered 503.
const WAIT_FOR_ROOM: std::time::Duration = std::time::Duration::from_secs(10);

/// The classifications in flight: how many per client, and their bodies' memory together (in
/// MiB permits).
pub(super) struct Uploads {
    per_client: std::sync::Mutex<std::collections::HashMap<String, usize>>,
    per_client_max: usize,
    budget: Arc<tokio::sync::Semaphore>,
    budget_mib: u32,
}

impl Uploads {
    /// `per_client` classifications per client, `memory_bytes` of bodies together.
    pub(super) fn new(per_client: usize, memory_bytes: usize) -> Uploads {
        let budget_mib = u32::try_from(memory_bytes >> 20).unwrap_or(u32::MAX).max(1);
        Uploads {
            per_client: Default::default(),
            per_client_max: per_client.max(1),
            budget: Arc::new(tokio::sync::Semaphore::new(budget_mib as usize)),
            budget_mib,
        }
    }

    /// A place for one more classification of `who`, or a 429 if it has its share in flight.
    pub(super) fn enter(&self, who: String) -> Result<InFlight<'_>, ApiError> {
        let mut map = self.per_client.lock().unwrap_or_else(|p| p.into_inner());
        let n = map.entry(who.clone()).or_default();
        if *n >= self.per_client_max {
            return Err(ApiError::new(
                Kind::RateLimited,
                t!("http-classify-per-client", max = self.per_client_max),
            )
            .retry_after(5));
        }
        *n += 1;
        Ok(InFlight { uploads: self, who })
    }

    /// Room for a body of `bytes` (the upload limit when its length is not known), waited for
    /// up to [`WAIT_FOR_ROOM`].
    pub(super) async fn room(
        &self,
        bytes: usize,
    ) -> Result<tokio::sync::OwnedSemaphorePermit, ApiError> {
        let mib = u32::try_from(bytes.div_ceil(1 << 20))
            .unwrap_or(u32::MAX)
            .saturating_add(1)
            .min(self.budget_mib);
        match tokio::time::timeout(WAIT_FOR_ROOM, self.budget.clone().acquire_many_owned(mib)).await
        {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(ApiError::new(Kind::Busy, t!("http-classify-busy")).retry_after(5)),
        }
    }
}

/// One client's classification in flight; counted down when dropped.
pub(super) struct InFlight<'a> {
    uploads: &'a Uploads,
    who: String,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        let mut map = self
            .uploads
            .per_client
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if let Some(n) = map.get_mut(&self.who) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.who);
            }
        }
    }
}
