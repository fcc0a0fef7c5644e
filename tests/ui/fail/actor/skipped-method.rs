use pykka::{actor, Actor};

#[actor]
pub struct Player {
    #[proxy(skip)]
    pub volume: u8,
}

impl Actor for Player { type Message = (); type Reply = (); }

#[actor]
impl Player {
    #[proxy(skip)]
    pub fn describe(&self, prefix: &str) -> String {
        format!("{prefix}{}", self.volume)
    }
}

fn main() {
    let proxy = Player { volume: 1 }.start().proxy().unwrap();
    let _ = proxy.describe("volume ");
    let _ = proxy.volume();
}
