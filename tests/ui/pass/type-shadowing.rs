//! The user's own `Result`, `Option`, `Future`, `Box`, `Error`, `Send`, `Clone`, `Vec` and
//! other prelude names must not change what the generated code means.
#![allow(dead_code)]

use pykka::{actor, traversable, Actor};

struct Result;
struct Option;
struct Future;
struct Box;
struct Error;
trait Send {}
trait Sync {}
trait Clone {}
trait Debug {}
trait Sized {}
trait Fn {}
trait FnOnce {}
struct Vec;
struct String;
struct Ok;
struct Err;
struct Some;
struct None;
struct Reply;
struct Dispatch;
struct Context;

#[traversable]
pub struct Meter {
    pub level: u8,
}

#[traversable]
impl Meter {
    pub fn bump(&mut self) -> u8 {
        self.level += 1;
        self.level
    }
}

#[actor]
pub struct Counter {
    pub total: u64,
    #[traversable]
    pub meter: Meter,
}

impl Actor for Counter {
    type Message = ();
    type Reply = ();
}

#[actor]
impl Counter {
    pub fn add(&mut self, amount: u64) -> u64 {
        self.total += amount;
        self.total
    }

    pub fn is_running(&self, ctx: &pykka::Context<Self>) -> bool {
        ctx.actor_ref().is_alive()
    }
}

fn main() {
    let proxy = Counter { total: 0, meter: Meter { level: 0 } }.start().proxy().unwrap();
    assert_eq!(proxy.add(2).get().unwrap(), 2);
    proxy.defer().add(3).unwrap();
    assert_eq!(proxy.total().get().unwrap(), 5);
    proxy.set_total(1).get().unwrap();
    assert_eq!(proxy.meter().bump().get().unwrap(), 1);
    assert!(proxy.is_running().get().unwrap());
    proxy.actor_ref().stop();
}
