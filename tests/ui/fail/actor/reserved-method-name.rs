use pykka::{actor, Actor};

#[actor]
pub struct Player;

impl Actor for Player { type Message = (); type Reply = (); }

#[actor]
impl Player {
    pub fn actor_ref(&self) {}
    pub fn defer(&self) {}
    pub fn attr_path(&self) {}
}

fn main() {}
