//! [`Call`]: a piece of work for the actor's thread (a proxy call, a field read or write, an
//! `ask_with`/`tell_with` closure, a message given to `ActorRef::send`), carried inside the
//! inbox slot when it is small.
//!
//! A proxy call used to be a `Box<dyn FnOnce>`: one more heap block per call, written by the
//! caller's core and read by the actor's, then freed on the actor's thread and handed back to
//! the caller's allocations through the allocator. That block cost a proxy call 70-80 ns on top
//! of a plain `ask` (a quarter of the round trip). A `Call` stores work of up to two words in
//! the envelope itself, which the channel moves between the threads anyway: what a generated
//! proxy method's closure captures (its arguments and reply slot; for a nested proxy, its path
//! too), or an `ask_with` closure and its reply slot. Larger work is boxed as before.
//!
//! This is the only module of the crate with `unsafe` code: the type-erased storage.

#![allow(unsafe_code, reason = "type-erased inline storage; each block says why it is sound")]

use std::marker::PhantomData;
use std::mem::{ManuallyDrop, MaybeUninit, align_of, size_of};
use std::ptr;

use crate::actor::{Actor, Context};

/// Work that runs once on an actor's thread, or is dropped unrun if the actor stops first.
pub(crate) trait Job<A: Actor>: Send + 'static {
    /// The method or field the work is about, for the actor's debug record.
    fn label(&self) -> &'static str;

    /// Does the work. A panic that escapes is a failure of the actor.
    fn run(self, actor: &mut A, ctx: &Context<A>);
}

/// The storage of a [`Call`]: two words, word-aligned.
type Words = MaybeUninit<[usize; 2]>;

// A boxed job is a thin pointer, which must fit the storage (`Call::store` relies on it).
const _: () = assert!(fits::<Box<u8>>());

/// What a [`Call`] does with its job: run it against the actor, or drop it unrun.
type Entry<A> = unsafe fn(*mut Words, Option<(&mut A, &Context<A>)>);

/// A type-erased [`Job`]: stored in place when it fits in two words (and needs no more than
/// word alignment), else boxed, with the one function that knows its type.
///
/// Three words in all, so an inbox [`Envelope`](crate::envelope::Envelope) is four when its
/// plain messages take no more than two.
pub(crate) struct Call<A: Actor> {
    /// Reads the job out of `words` (exactly once: the `Call` is then spent).
    entry: Entry<A>,
    /// The job itself (inline), or a `Box` of it; initialised by [`Call::new`].
    words: Words,
    /// `Call` owns a job it cannot name: `Send` (every job is), not `Sync`.
    _job: PhantomData<Box<dyn Send>>,
}

impl<A: Actor> Call<A> {
    /// Wraps `job`, in place if it fits.
    #[inline]
    pub(crate) fn new<J: Job<A>>(job: J) -> Self {
        if fits::<J>() {
            Self::store(job)
        } else {
            Self::store(Boxed(Box::new(job)))
        }
    }

    /// Stores `job` in place. `J` fits: [`Call::new`] checked (and a box always does).
    #[inline(always)]
    fn store<J: Job<A>>(job: J) -> Self {
        assert!(fits::<J>(), "a job stored in place fits its two words");
        let mut words = Words::uninit();
        // SAFETY: `words` is valid for a write of `J`: `J` is no larger than the two words and
        // needs no more than their alignment (asserted above, a check the compiler folds away).
        unsafe { ptr::write(words.as_mut_ptr().cast::<J>(), job) };
        Call {
            entry: entry::<A, J>,
            words,
            _job: PhantomData,
        }
    }

    /// Runs the job on the actor's thread.
    #[inline]
    pub(crate) fn run(self, actor: &mut A, ctx: &Context<A>) {
        // The job is moved out by `entry`; the spent `Call` must not drop it again.
        let mut this = ManuallyDrop::new(self);
        // SAFETY: `this.words` holds the job `this.entry` was made for (`Call::store`), and
        // this is the one read of it: the `Call` is consumed and never dropped.
        unsafe { (this.entry)(&raw mut this.words, Some((actor, ctx))) }
    }
}

impl<A: Actor> Drop for Call<A> {
    /// Drops a job that never ran: its actor stopped first (the actor's thread drops it), or
    /// the send failed (the sender's thread does). Its reply slot, if any, then fails its
    /// future: with `ActorDead` for a slot made for the actor.
    fn drop(&mut self) {
        // SAFETY: as in `run`: a `Call` still owned (not spent by `run`) holds its job, and
        // this is the one read of it.
        unsafe { (self.entry)(&raw mut self.words, None) }
    }
}

/// Whether a `J` can be stored in place.
pub(crate) const fn fits<J>() -> bool {
    size_of::<J>() <= size_of::<Words>() && align_of::<J>() <= align_of::<Words>()
}

/// The entry of a `Call` holding a `J`: moves the job out of `words`, then runs or drops it.
///
/// # Safety
///
/// `words` holds an initialised `J`, written by [`Call::store`], which no one reads again.
unsafe fn entry<A: Actor, J: Job<A>>(words: *mut Words, target: Option<(&mut A, &Context<A>)>) {
    // SAFETY: the caller's contract; `Call::store` wrote a `J` at the start of `words`.
    let job = unsafe { ptr::read(words.cast::<J>()) };
    match target {
        Some((actor, ctx)) => {
            ctx.actor_ref().cell.state.calling(job.label());
            job.run(actor, ctx);
        }
        None => drop(job),
    }
}

/// A job too large to store in place.
struct Boxed<J>(Box<J>);

impl<A: Actor, J: Job<A>> Job<A> for Boxed<J> {
    fn label(&self) -> &'static str {
        self.0.label()
    }

    fn run(self, actor: &mut A, ctx: &Context<A>) {
        (*self.0).run(actor, ctx);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// An actor with no messages, for tests that only need its type (proxy.rs's too).
    pub(crate) struct Probe;

    impl Actor for Probe {
        type Message = ();
        type Reply = ();
    }

    /// Counts its drops; `N` words of padding choose between in place and boxed.
    struct Counted<const N: usize>(Arc<AtomicUsize>, [usize; N]);

    impl<const N: usize> Drop for Counted<N> {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    impl<const N: usize> Job<Probe> for Counted<N> {
        fn label(&self) -> &'static str {
            "counted"
        }

        fn run(self, _actor: &mut Probe, _ctx: &Context<Probe>) {}
    }

    /// One word of data that needs more than word alignment.
    #[repr(align(32))]
    struct Aligned(#[allow(dead_code, reason = "only the layout matters")] usize);

    #[test]
    fn small_jobs_are_stored_in_place_and_large_ones_boxed() {
        assert!(fits::<Counted<1>>());
        assert!(!fits::<Counted<2>>());
        assert!(fits::<Boxed<Counted<8>>>());
        assert!(!fits::<Aligned>(), "a job needing more than word alignment is boxed");
        assert_eq!(size_of::<Call<Probe>>(), 3 * size_of::<usize>());
    }

    #[test]
    fn a_call_dropped_unrun_drops_its_job_once() {
        let drops = Arc::new(AtomicUsize::new(0));
        drop(Call::<Probe>::new(Counted(drops.clone(), [0; 1])));
        drop(Call::<Probe>::new(Counted(drops.clone(), [0; 4])));
        assert_eq!(drops.load(Ordering::SeqCst), 2);
    }
}
