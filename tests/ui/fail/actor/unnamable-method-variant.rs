use pykka::{actor, Actor};

#[actor]
pub struct Player;

impl Actor for Player { type Message = (); type Reply = (); }

#[actor]
impl Player {
    pub fn _1(&self) {}
    pub fn __(&self) {}
}

fn main() {}
