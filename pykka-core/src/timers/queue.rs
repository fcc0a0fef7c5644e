//! [`TimerQueue`]: the pending timers of one actor, or of the delayed-send service, ordered
//! by due time.
//!
//! A binary heap of `(due, seq, slot)` entries over a slab of slots that hold the payloads;
//! `seq` numbers every timer the queue ever scheduled, so an old id never matches a reused
//! slot. Scheduling pushes onto the heap and takes a free slot: O(log n). Cancelling
//! takes the payload out of its slot and frees the slot at once (the payload is dropped
//! then, not when it would have been due): O(1); its heap entry stays behind, stale (its
//! `seq` no longer matches the slot's), and is skipped when it reaches the top. So that
//! stale entries cannot pile up, the heap is rebuilt without them as soon as they are more
//! than half of it (and more than [`COMPACT_MIN`]): amortised O(1) per cancel. Hence the
//! bound, for `live` pending timers: the heap holds at most `2 * live + COMPACT_MIN` entries,
//! and the slab as many slots as were ever pending at once (a freed slot is reused first).
//! Entries due at the same instant come out in the order they were scheduled (`seq`).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Instant;

/// Below this many stale entries the heap is never rebuilt: not worth it.
const COMPACT_MIN: usize = 64;

/// Names one scheduled timer in its queue; stale once the timer has fired or been cancelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct TimerId {
    slot: u32,
    seq: u64,
}

/// A heap entry: ordered by due time, then by scheduling order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    due: Instant,
    seq: u64,
    slot: u32,
}

/// A slab slot: a payload while its timer is pending.
struct Slot<T> {
    /// The `seq` of the timer in the slot; 0 while free.
    seq: u64,
    payload: Option<T>,
}

/// Pending timers carrying payloads of type `T`.
pub(crate) struct TimerQueue<T> {
    heap: BinaryHeap<Reverse<Entry>>,
    slots: Vec<Slot<T>>,
    free: Vec<u32>,
    /// Heap entries whose timer was cancelled.
    stale: usize,
    seq: u64,
}

impl<T> Default for TimerQueue<T> {
    fn default() -> Self {
        TimerQueue {
            heap: BinaryHeap::new(),
            slots: Vec::new(),
            free: Vec::new(),
            stale: 0,
            seq: 0,
        }
    }
}

impl<T> TimerQueue<T> {
    /// Schedules `payload` for `due`.
    pub(crate) fn schedule(&mut self, due: Instant, payload: T) -> TimerId {
        self.seq += 1;
        let seq = self.seq;
        let slot = if let Some(slot) = self.free.pop() {
            self.slots[slot as usize] = Slot {
                seq,
                payload: Some(payload),
            };
            slot
        } else {
            let slot = u32::try_from(self.slots.len()).expect("fewer than 2^32 pending timers");
            self.slots.push(Slot {
                seq,
                payload: Some(payload),
            });
            slot
        };
        self.heap.push(Reverse(Entry { due, seq, slot }));
        TimerId { slot, seq }
    }

    /// Returns whether the heap entry's timer is still in its slot.
    fn is_live(&self, slot: u32, seq: u64) -> bool {
        self.slots.get(slot as usize).is_some_and(|s| s.seq == seq)
    }

    /// Cancels a pending timer and returns its payload; `None` if it already fired or was
    /// cancelled.
    pub(crate) fn cancel(&mut self, id: TimerId) -> Option<T> {
        if !self.is_live(id.slot, id.seq) {
            return None;
        }
        let payload = self.slots[id.slot as usize].payload.take()?;
        self.stale += 1;
        self.release(id.slot);
        if self.stale > COMPACT_MIN && self.stale * 2 > self.heap.len() {
            self.compact();
        }
        Some(payload)
    }

    /// Returns whether the timer is still pending.
    pub(crate) fn is_pending(&self, id: TimerId) -> bool {
        self.is_live(id.slot, id.seq)
    }

    /// Takes out the earliest timer due at or before `now`, with its due time.
    pub(crate) fn pop_due(&mut self, now: Instant) -> Option<(Instant, T)> {
        let due = self.next_due()?;
        if due > now {
            return None;
        }
        let Reverse(entry) = self.heap.pop()?;
        let payload = self.slots[entry.slot as usize].payload.take()?;
        self.release(entry.slot);
        Some((entry.due, payload))
    }

    /// Returns when the earliest pending timer is due, dropping stale entries off the top.
    pub(crate) fn next_due(&mut self) -> Option<Instant> {
        while let Some(Reverse(top)) = self.heap.peek() {
            if self.is_live(top.slot, top.seq) {
                return Some(top.due);
            }
            self.heap.pop();
            self.stale -= 1;
        }
        None
    }

    /// Returns how many timers are pending.
    pub(crate) fn len(&self) -> usize {
        self.heap.len() - self.stale
    }

    /// Returns whether no timer is pending.
    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Cancels every pending timer, dropping their payloads, and frees the memory.
    pub(crate) fn clear(&mut self) {
        *self = TimerQueue {
            seq: self.seq,
            ..TimerQueue::default()
        };
    }

    /// Returns how many entries the heap holds (live and stale) and how many slab slots
    /// exist: what the memory bound is stated in.
    #[cfg(test)]
    pub(crate) fn footprint(&self) -> (usize, usize) {
        (self.heap.len(), self.slots.len())
    }

    /// Frees a slot whose payload is gone, for a later timer.
    fn release(&mut self, slot: u32) {
        self.slots[slot as usize].seq = 0;
        self.free.push(slot);
        if self.free.len() == self.slots.len() {
            // Nothing pending (whatever is left in the heap is stale): give the memory back.
            self.clear();
        }
    }

    /// Rebuilds the heap without its stale entries.
    fn compact(&mut self) {
        let slots = &self.slots;
        let mut entries = std::mem::take(&mut self.heap).into_vec();
        entries.retain(|Reverse(e)| slots.get(e.slot as usize).is_some_and(|s| s.seq == e.seq));
        entries.shrink_to(entries.len() * 2);
        self.heap = BinaryHeap::from(entries);
        self.stale = 0;
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn at(base: Instant, ms: u64) -> Instant {
        base + Duration::from_millis(ms)
    }

    #[test]
    fn timers_come_out_in_due_order_then_in_scheduling_order() {
        let base = Instant::now();
        let mut q = TimerQueue::default();
        q.schedule(at(base, 30), "c");
        q.schedule(at(base, 10), "a");
        q.schedule(at(base, 20), "b1");
        q.schedule(at(base, 20), "b2");
        assert_eq!(q.pop_due(at(base, 5)), None);
        let order: Vec<_> = std::iter::from_fn(|| q.pop_due(at(base, 100)).map(|(_, p)| p)).collect();
        assert_eq!(order, ["a", "b1", "b2", "c"]);
        assert!(q.is_empty());
    }

    #[test]
    fn a_cancelled_timer_never_comes_out_and_its_payload_is_dropped_at_once() {
        let base = Instant::now();
        let mut q = TimerQueue::default();
        let payload = std::sync::Arc::new(());
        let id = q.schedule(at(base, 10), payload.clone());
        q.schedule(at(base, 20), std::sync::Arc::new(()));
        assert!(q.is_pending(id));
        assert!(q.cancel(id).is_some());
        assert_eq!(std::sync::Arc::strong_count(&payload), 1, "dropped on cancel");
        assert!(!q.is_pending(id));
        assert!(q.cancel(id).is_none(), "a second cancel finds nothing");
        assert_eq!(q.len(), 1);
        let (due, _) = q.pop_due(at(base, 100)).unwrap();
        assert_eq!(due, at(base, 20));
        assert!(q.pop_due(at(base, 100)).is_none());
    }

    #[test]
    fn the_id_of_a_fired_timer_does_not_cancel_its_slots_next_timer() {
        let base = Instant::now();
        let mut q = TimerQueue::default();
        let keep = q.schedule(at(base, 50), 0);
        let first = q.schedule(at(base, 10), 1);
        assert_eq!(q.pop_due(at(base, 10)).map(|(_, p)| p), Some(1));
        let second = q.schedule(at(base, 20), 2); // reuses the slot of `first`
        assert!(q.cancel(first).is_none());
        assert!(q.is_pending(second) && q.is_pending(keep));
    }

    /// The bound of the module docs: 100k pending timers, half cancelled; the heap holds at
    /// most `2 * live + COMPACT_MIN` entries and the slab no more slots than were pending at
    /// once; cancelling everything gives the memory back.
    #[test]
    fn a_hundred_thousand_timers_half_cancelled_stay_within_the_bound() {
        const N: usize = 100_000;
        let base = Instant::now();
        let mut q = TimerQueue::default();
        let ids: Vec<_> = (0..N)
            .map(|i| q.schedule(at(base, (i as u64 * 7919) % 10_000), vec![0u8; 16]))
            .collect();
        for id in ids.iter().step_by(2) {
            assert!(q.cancel(*id).is_some());
        }
        let live = N / 2;
        assert_eq!(q.len(), live);
        let (heap, slots) = q.footprint();
        assert!(
            heap <= 2 * live + COMPACT_MIN,
            "heap of {heap} entries for {live} timers"
        );
        assert!(slots <= N);
        assert!(q.heap.capacity() <= 2 * (2 * live + COMPACT_MIN));
        // Freed slots are reused: scheduling again does not grow the slab.
        let again: Vec<_> = (0..live)
            .map(|i| q.schedule(at(base, i as u64), vec![0u8; 16]))
            .collect();
        assert_eq!(q.footprint().1, N);
        for id in ids.iter().skip(1).step_by(2).chain(&again) {
            assert!(q.cancel(*id).is_some());
        }
        assert!(q.is_empty());
        assert_eq!(q.footprint().1, 0, "an empty queue keeps no slots");
        assert_eq!(q.slots.capacity(), 0);
        assert_eq!(q.next_due(), None);
        assert_eq!(q.footprint().0, 0, "stale entries are dropped off the top");
    }

    #[test]
    fn clear_drops_every_payload() {
        let base = Instant::now();
        let mut q = TimerQueue::default();
        let payload = std::sync::Arc::new(());
        for i in 0..10 {
            q.schedule(at(base, i), payload.clone());
        }
        q.clear();
        assert!(q.is_empty());
        assert_eq!(std::sync::Arc::strong_count(&payload), 1);
    }
}
