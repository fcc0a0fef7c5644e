//! Which runtime drives the workloads' actors (`--runtime thread|pool`).
//!
//! Every workload starts its actors through [`Runtime::start`] (or [`Runtime::try_start`],
//! [`Runtime::start_restarting`]), so one code path per workload serves both runtimes: `thread`
//! is `actor.start()`, one OS thread per actor. `pool` (the pooled runtime of issue 15) is
//! refused with a clear message until `pykka::Pool` exists.

use pykka::{Actor, ActorRef, RestartPolicy, Result};

/// The runtime the actors of a run are started on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Runtime {
    /// One OS thread per actor (`Actor::start`), pykka's default.
    Thread,
}

impl Runtime {
    /// Parses the value of `--runtime`.
    pub(crate) fn parse(name: &str) -> std::result::Result<Self, String> {
        match name {
            "thread" => Ok(Runtime::Thread),
            "pool" => Err("the pool runtime is not built yet".into()),
            other => Err(format!("--runtime is `thread` or `pool`, not {other:?}")),
        }
    }

    /// The extra JSON fields every line of a run carries: none for the thread runtime, so its
    /// lines are exactly the shared anchors'.
    pub(crate) fn json_fields(self) -> &'static str {
        match self {
            Runtime::Thread => "",
        }
    }

    /// Starts `actor` on this runtime, in the global registry.
    ///
    /// # Panics
    ///
    /// If the actor cannot start (see [`try_start`](Runtime::try_start)).
    pub(crate) fn start<A: Actor + Send>(self, actor: A) -> ActorRef<A> {
        match self {
            Runtime::Thread => actor.start(),
        }
    }

    /// Starts `actor` on this runtime, in the global registry, or says why it could not.
    pub(crate) fn try_start<A: Actor + Send>(self, actor: A) -> Result<ActorRef<A>> {
        match self {
            Runtime::Thread => actor.try_start(),
        }
    }

    /// Starts an actor restarted in place by `policy`, built by `factory`, in the global
    /// registry.
    pub(crate) fn start_restarting<A, F>(self, policy: RestartPolicy, factory: F) -> ActorRef<A>
    where
        A: Actor + Send,
        F: FnMut() -> A + Send + 'static,
    {
        match self {
            Runtime::Thread => A::start_restarting(policy, factory),
        }
    }
}
