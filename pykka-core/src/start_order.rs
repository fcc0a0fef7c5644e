//! [`StartOrder`]: values numbered in the order they were added, for the registry's actors and
//! a pool's.
//!
//! A sorted vector with holes: adding appends, removing finds the number by binary search and
//! leaves a hole, and the holes are swept out once they are half the vector. It replaces a
//! `BTreeMap<u64, _>`, whose nodes were allocated by the thread starting actors and freed by
//! the threads ending them: under a pool's start-and-stop churn, each such free took the
//! starting thread's allocator arena lock (a system call when contended). Here memory moves
//! only when the vector grows or is swept.

/// Values in the order they were added, each under the number [`push`](Self::push) gave it.
pub(crate) struct StartOrder<V> {
    /// `(number, value)` by increasing number; `None` where a value was removed.
    slots: Vec<(u64, Option<V>)>,
    /// The values present (slots without a hole).
    len: usize,
    /// The number the next value gets.
    next: u64,
}

/// Below this many slots the holes are left alone (sweeping a short vector saves nothing).
const SWEEP_FROM: usize = 32;

impl<V> Default for StartOrder<V> {
    fn default() -> Self {
        StartOrder {
            slots: Vec::new(),
            len: 0,
            next: 0,
        }
    }
}

impl<V> StartOrder<V> {
    /// Adds `value` last; returns its number.
    pub(crate) fn push(&mut self, value: V) -> u64 {
        let number = self.next;
        self.next += 1;
        self.slots.push((number, Some(value)));
        self.len += 1;
        number
    }

    /// Removes and returns the value numbered `number`, if it is there.
    pub(crate) fn remove(&mut self, number: u64) -> Option<V> {
        let index = self.slots.binary_search_by_key(&number, |slot| slot.0).ok()?;
        let value = self.slots[index].1.take()?;
        self.len -= 1;
        if self.len == 0 {
            self.slots.clear();
        } else if index + 1 == self.slots.len() {
            // The newest went first (stop_all's order): no hole left behind.
            while self.slots.last().is_some_and(|slot| slot.1.is_none()) {
                self.slots.pop();
            }
        } else if self.slots.len() >= SWEEP_FROM && self.len * 2 < self.slots.len() {
            self.slots.retain(|slot| slot.1.is_some());
        }
        if self.slots.capacity() >= SWEEP_FROM && self.slots.len() * 4 < self.slots.capacity() {
            // A crowd that has gone keeps no memory behind.
            self.slots.shrink_to(self.slots.len() * 2);
        }
        Some(value)
    }

    /// The number of values.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Whether there are none.
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The values, oldest first (reversible).
    pub(crate) fn values(&self) -> impl DoubleEndedIterator<Item = &V> {
        self.slots.iter().filter_map(|slot| slot.1.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::StartOrder;

    #[test]
    fn values_keep_their_order_and_numbers_whatever_is_removed() {
        let mut order = StartOrder::default();
        let numbers: Vec<u64> = (0..100).map(|i| order.push(i)).collect();
        assert_eq!(numbers, (0..100).collect::<Vec<_>>());
        // Every third, then the newest ten, then one twice.
        for n in (0..100).step_by(3) {
            assert_eq!(order.remove(n), Some(n));
        }
        for n in (90..100).rev() {
            let expected = (n % 3 != 0).then_some(n);
            assert_eq!(order.remove(n), expected);
        }
        assert_eq!(order.remove(1), Some(1));
        assert_eq!(order.remove(1), None);
        let left: Vec<u64> = order.values().copied().collect();
        let expected: Vec<u64> = (0..90).filter(|n| n % 3 != 0 && *n != 1).collect();
        assert_eq!(left, expected);
        assert_eq!(order.len(), expected.len());
        assert_eq!(order.values().next_back(), Some(&89));
        // A new value comes after all of them, numbered on.
        assert_eq!(order.push(1000), 100);
        assert_eq!(order.values().last(), Some(&1000));
        for n in expected {
            assert_eq!(order.remove(n), Some(n));
        }
        assert_eq!(order.remove(100), Some(1000));
        assert!(order.is_empty());
        assert_eq!(order.values().count(), 0);
    }

    #[test]
    fn removing_the_oldest_first_sweeps_the_holes_and_frees_the_memory() {
        let mut order = StartOrder::default();
        for i in 0..10_000 {
            order.push(i);
        }
        for n in 0..9_990 {
            assert_eq!(order.remove(n), Some(n));
            assert!(order.slots.len() <= 2 * order.len().max(super::SWEEP_FROM), "{n}");
        }
        assert_eq!(
            order.values().copied().collect::<Vec<_>>(),
            (9_990..10_000).collect::<Vec<_>>()
        );
        assert!(order.slots.capacity() < 100, "{}", order.slots.capacity());
    }
}
