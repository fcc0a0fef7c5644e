//! Waiting for many futures under one deadline: [`get_all`] and [`get_all_settled`].

use std::time::{Duration, Instant};

use super::{CloneValue, Future};
use crate::error::{Error, Result};

/// Waits for every future and returns their values in input order.
///
/// `timeout` bounds the whole wait, not each future (Pykka applies it per future); `None`
/// waits forever. Reading never consumes a future, so `get_all` can be called again. For the
/// awaitable form, see [`Future::all`]; to keep every outcome, [`get_all_settled`].
///
/// # Errors
///
/// The first error met, in input order; [`Error::Timeout`](crate::Error::Timeout) if the time
/// ran out.
///
/// # Examples
///
/// ```
/// use pykka::{get_all, Future};
/// let futures = vec![Future::ready(1), Future::ready(2)];
/// assert_eq!(get_all(&futures, None).unwrap(), vec![1, 2]);
/// ```
pub fn get_all<T: CloneValue>(futures: &[Future<T>], timeout: Option<Duration>) -> Result<Vec<T>> {
    let deadline = timeout.map(|t| Instant::now() + t);
    futures.iter().map(|f| read(f, deadline, timeout)).collect()
}

/// Waits for every future under one total deadline and returns every outcome, in input order:
/// "search all backends, skip the broken one".
///
/// Unlike [`get_all`], an error does not hide the other results: each entry is that future's
/// value or error. A future still unset when `timeout` runs out gets
/// [`Error::Timeout`](crate::Error::Timeout); the futures after it are still read (without
/// waiting), so every value already there is returned. `None` waits for all of them.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use pykka::{get_all_settled, Error, Future, Promise};
///
/// let (_never_set, slow) = Promise::<u32>::new();
/// let backends = [Future::ready(1), Future::failed(Error::custom("broken")), slow, Future::ready(4)];
/// let outcomes = get_all_settled(&backends, Some(Duration::from_millis(10)));
/// assert_eq!(outcomes[0], Ok(1));
/// assert_eq!(outcomes[1], Err(Error::custom("broken")));
/// assert!(outcomes[2].as_ref().unwrap_err().is_timeout());
/// assert_eq!(outcomes[3], Ok(4));
/// let found: Vec<u32> = outcomes.into_iter().filter_map(Result::ok).collect();
/// assert_eq!(found, [1, 4]);
/// ```
pub fn get_all_settled<T: CloneValue>(futures: &[Future<T>], timeout: Option<Duration>) -> Vec<Result<T>> {
    let deadline = timeout.map(|t| Instant::now() + t);
    futures.iter().map(|f| read(f, deadline, timeout)).collect()
}

/// Reads `future` with what is left of the time until `deadline` (`None`: no limit). A timeout
/// reports the caller's whole `timeout`, not what was left of it for this future.
fn read<T: CloneValue>(future: &Future<T>, deadline: Option<Instant>, timeout: Option<Duration>) -> Result<T> {
    let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
    match (future.get_opt(left), timeout) {
        (Err(Error::Timeout { actor, after }), Some(total)) if left == Some(after) => {
            Err(Error::Timeout { actor, after: total })
        }
        (other, _) => other,
    }
}
