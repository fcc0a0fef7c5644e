use pykka::{actor, Actor};

#[actor]
pub struct Player;

impl Actor for Player { type Message = (); type Reply = (); }

#[actor]
impl Player {
    pub fn add_one(&self) {}
    #[allow(non_snake_case)]
    pub fn addOne(&self) {}
}

fn main() {}
