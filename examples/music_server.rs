//! A music server shaped like Mopidy, Pykka's best-known user: backends of different types
//! behind one interface, a core whose controllers call each other, an audio actor playing on
//! a timer, listeners found by interface, and supervision.
//!
//! ```text
//! cargo run -p examples --example music_server
//! ```
//!
//! - Two backend actor types, [`LocalLibrary`] and [`Stream`], implement the interface
//!   [`Backend`]: the core holds them in one `Vec<BackendProxy>` and calls both the same way.
//!   They run under a [`Supervisor`](pykka::Supervisor): the local library fails once while
//!   refreshing and is restarted in place, and the core's proxy to it keeps working. They live
//!   on a [`Pool`](pykka::Pool) of two workers ([`ChildSpec::on_pool`]), where a real server
//!   would keep hundreds of them: no thread each while idle. The stream's slow network wait
//!   runs inside [`pykka::blocking`], so it hands its worker to a spare thread meanwhile.
//! - [`Core`] has four controllers, `playback`, `tracklist`, `mixer` and `library`, reached as
//!   `core.playback().play()` like Mopidy's `core.playback.play()`. Their `#[proxy(actor)]`
//!   methods get the whole core, so `playback.next()` reads the sibling tracklist and tells
//!   the audio actor, all within one message.
//! - `library.search` asks every backend at once and waits for all of them with one deadline
//!   ([`get_all_settled`](pykka::get_all_settled)): the stream is slow (it waits on a latch
//!   that `main` opens only after the search returned), so it is skipped, deterministically.
//! - [`Audio`] "plays" a track with a timer. The registry runs on a
//!   [`ManualClock`](pykka::ManualClock), so `main` advances time instead of sleeping. At the
//!   end of a track, audio tells every [`AudioListener`] (the core) with a deferred call, and
//!   the core moves on to the next track.
//! - The core tells its events to every actor implementing [`CoreListener`], found in the
//!   registry by interface ([`broadcast_interface`](pykka::ActorRegistry::broadcast_interface)),
//!   whatever their types: a [`Scrobbler`] and a [`Frontend`].
//! - Deadlock detection is on: the core blocks on its backends, which is fine; a cycle of
//!   actors waiting on each other would fail with `Error::Deadlock` instead of hanging.
//!
//! Every line is printed by `main` after the replies it shows, so the output does not depend
//! on timing.

use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use pykka::{
    Actor, ActorRegistry, ChildSpec, Context, Error, ManualClock, Pool, Strategy, SupervisorSpec, actor, interface,
    traversable,
};

/// How long `library.search` waits for all the backends together. The slow stream never
/// answers in time (it waits for a latch opened after the search), so every search takes this
/// long; the local library answers within microseconds, and the margin keeps a loaded CI
/// machine from missing it.
const SEARCH_DEADLINE: Duration = Duration::from_secs(2);

/// A track of a backend.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Track {
    /// Where it comes from: `local:…` or `stream:…`.
    pub uri: String,
    /// Its title.
    pub name: String,
    /// How long it plays.
    pub length: Duration,
}

fn track(uri: &str, name: &str, seconds: u64) -> Track {
    Track {
        uri: uri.to_owned(),
        name: name.to_owned(),
        length: Duration::from_secs(seconds),
    }
}

/// What the core tells its listeners.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// The tracklist now has this many tracks.
    TracklistChanged(usize),
    /// The volume changed.
    VolumeChanged(u8),
    /// A track started playing.
    TrackPlaybackStarted(String),
    /// A track played to its end.
    TrackPlaybackEnded(String),
    /// Playback stopped: the tracklist ran out.
    PlaybackStopped,
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::TracklistChanged(n) => write!(f, "tracklist_changed({n})"),
            Event::VolumeChanged(v) => write!(f, "volume_changed({v})"),
            Event::TrackPlaybackStarted(t) => write!(f, "track_playback_started({t})"),
            Event::TrackPlaybackEnded(t) => write!(f, "track_playback_ended({t})"),
            Event::PlaybackStopped => write!(f, "playback_stopped"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Interfaces
// ---------------------------------------------------------------------------------------------

/// A source of music (Mopidy's backend providers): the same calls whatever the actor's type.
#[interface]
pub trait Backend {
    /// The URI scheme of the backend's tracks.
    fn uri_scheme(&self) -> String;

    /// The tracks whose name contains `query`, ignoring case.
    fn search(&mut self, query: String) -> Vec<Track>;

    /// The track at `uri`, if the backend has it.
    fn lookup(&mut self, uri: String) -> Option<Track>;

    /// Rescans the backend's source; a default body, for backends with nothing to rescan.
    fn refresh(&mut self) {}
}

/// Told about the core's events (Mopidy's `CoreListener`).
#[interface]
pub trait CoreListener {
    /// One event; told with `defer()`, in the order the core sent them.
    fn on_event(&mut self, event: Event);
}

/// Told when the audio actor reaches the end of a track (Mopidy's `AudioListener`).
#[interface]
pub trait AudioListener {
    /// The track at `uri` played to its end.
    fn reached_end_of_stream(&mut self, uri: String);
}

fn matching(tracks: &[Track], query: &str) -> Vec<Track> {
    let query = query.to_lowercase();
    tracks
        .iter()
        .filter(|t| t.name.to_lowercase().contains(&query))
        .cloned()
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Backends
// ---------------------------------------------------------------------------------------------

/// The local library. Its index is corrupt on its first start: the first `refresh` panics,
/// and the supervisor rebuilds it.
#[actor]
#[derive(Debug)]
pub struct LocalLibrary {
    /// Which start of the library this is: 1, 2, …
    incarnation: u32,
    tracks: Vec<Track>,
}

impl LocalLibrary {
    fn new(incarnation: u32) -> Self {
        LocalLibrary {
            incarnation,
            tracks: vec![
                track("local:track:so-what", "So What", 562),
                track("local:track:blue-in-green", "Blue in Green", 337),
                track("local:track:all-blues", "All Blues", 693),
            ],
        }
    }
}

impl Actor for LocalLibrary {
    type Message = ();
    type Reply = ();
    const INTERFACES: &'static [pykka::Implementation] = pykka::interfaces![Backend];
}

#[actor]
impl LocalLibrary {
    /// Which start of the library answers: a method of its own proxy, not of the interface.
    pub fn incarnation(&self) -> u32 {
        self.incarnation
    }
}

#[actor]
impl Backend for LocalLibrary {
    fn uri_scheme(&self) -> String {
        "local".to_owned()
    }

    fn search(&mut self, query: String) -> Vec<Track> {
        matching(&self.tracks, &query)
    }

    fn lookup(&mut self, uri: String) -> Option<Track> {
        self.tracks.iter().find(|t| t.uri == uri).cloned()
    }

    fn refresh(&mut self) {
        assert!(self.incarnation > 1, "the local index is corrupt");
    }
}

/// A one-shot gate, opened once by `main`.
#[derive(Debug, Default)]
pub struct Latch {
    open: Mutex<bool>,
    opened: Condvar,
}

impl Latch {
    /// Opens the gate for every waiter, now and later.
    fn open(&self) {
        *self.open.lock().unwrap_or_else(PoisonError::into_inner) = true;
        self.opened.notify_all();
    }

    /// Waits until the gate is open, at most 10 s (so that nothing can hang).
    fn wait(&self) {
        let guard = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let _guard = self
            .opened
            .wait_timeout_while(guard, Duration::from_secs(10), |open| !*open)
            .unwrap_or_else(PoisonError::into_inner);
    }
}

/// An internet radio: slow to search. Its searches wait until `main` opens the latch.
#[actor]
#[derive(Debug)]
pub struct Stream {
    network: Arc<Latch>,
    tracks: Vec<Track>,
}

impl Actor for Stream {
    type Message = ();
    type Reply = ();
    const INTERFACES: &'static [pykka::Implementation] = pykka::interfaces![Backend];
}

#[actor]
impl Stream {}

#[actor]
impl Backend for Stream {
    fn uri_scheme(&self) -> String {
        "stream".to_owned()
    }

    fn search(&mut self, query: String) -> Vec<Track> {
        // A wait pykka does not know about: on a pool, `blocking` lends the worker out.
        pykka::blocking(|| self.network.wait());
        matching(&self.tracks, &query)
    }

    fn lookup(&mut self, uri: String) -> Option<Track> {
        self.tracks.iter().find(|t| t.uri == uri).cloned()
    }
}

// ---------------------------------------------------------------------------------------------
// Audio
// ---------------------------------------------------------------------------------------------

/// Plays one track at a time: a timer as long as the track.
#[actor]
#[derive(Debug, Default)]
pub struct Audio {
    /// The URI being played.
    pub playing: Option<String>,
    /// The output volume (read with `volume()`).
    volume: u8,
}

impl Actor for Audio {
    type Message = ();
    type Reply = ();
}

#[actor]
impl Audio {
    /// Starts playing `uri` for `length` (replacing what was playing).
    pub fn play(&mut self, ctx: &Context<Self>, uri: String, length: Duration) {
        self.playing = Some(uri);
        ctx.timers()
            .start_single_with("track", length, |audio: &mut Audio, ctx| audio.end_of_stream(ctx));
    }

    /// Sets the output volume.
    pub fn set_volume(&mut self, volume: u8) {
        self.volume = volume;
    }

    /// The output volume.
    pub fn volume(&self) -> u8 {
        self.volume
    }
}

impl Audio {
    /// The track's timer fired: tells every audio listener, with a deferred call each.
    fn end_of_stream(&mut self, ctx: &Context<Self>) {
        if let Some(uri) = self.playing.take() {
            ctx.registry()
                .broadcast_interface::<dyn AudioListener>(|l| l.defer().reached_end_of_stream(uri.clone()));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The core and its controllers
// ---------------------------------------------------------------------------------------------

/// What `library.search` found, and which backends it skipped.
#[derive(Clone, Debug, Default)]
pub struct SearchResult {
    /// The tracks, backend by backend.
    pub tracks: Vec<Track>,
    /// The backends that did not answer in time, by URI scheme.
    pub skipped: Vec<String>,
}

/// Searches and looks up tracks across the backends.
#[traversable]
#[derive(Debug)]
pub struct Library {
    /// How many searches ran.
    pub searches: u32,
}

#[traversable]
impl Library {
    /// Searches every backend in parallel, waiting at most [`SEARCH_DEADLINE`] for all of
    /// them; the backends that did not answer by then are skipped.
    #[proxy(actor)]
    pub fn search(core: &mut Core, query: String) -> SearchResult {
        core.library.searches += 1;
        let futures: Vec<_> = core.backends.iter().map(|(_, b)| b.search(query.clone())).collect();
        let mut result = SearchResult::default();
        let outcomes = pykka::get_all_settled(&futures, Some(SEARCH_DEADLINE));
        for ((scheme, _), outcome) in core.backends.iter().zip(outcomes) {
            match outcome {
                Ok(tracks) => result.tracks.extend(tracks),
                Err(Error::Timeout { .. }) => result.skipped.push(format!("{scheme} (no reply in time)")),
                Err(error) => result.skipped.push(format!("{scheme} ({error})")),
            }
        }
        result
    }

    /// Looks `uri` up in the backend of its scheme.
    #[proxy(actor)]
    pub fn lookup(core: &mut Core, uri: String) -> Option<Track> {
        let (_, backend) = core
            .backends
            .iter()
            .find(|(scheme, _)| uri.starts_with(&format!("{scheme}:")))?;
        backend.lookup(uri).get().ok().flatten()
    }

    /// Tells every backend to rescan its source; returns how many were told.
    #[proxy(actor)]
    pub fn refresh(core: &mut Core) -> usize {
        core.backends
            .iter()
            .filter(|(_, b)| b.defer().refresh().is_ok())
            .count()
    }
}

/// The tracks to play, in order.
#[traversable]
#[derive(Debug)]
pub struct Tracklist {
    /// The tracks.
    pub tracks: Vec<Track>,
}

#[traversable]
impl Tracklist {
    /// Appends `tracks`; returns the new length. Tells the listeners.
    #[proxy(actor)]
    pub fn add(core: &mut Core, tracks: Vec<Track>) -> usize {
        core.tracklist.tracks.extend(tracks);
        let length = core.tracklist.tracks.len();
        core.notify(Event::TracklistChanged(length));
        length
    }

    /// The names of the tracks.
    pub fn names(&self) -> Vec<String> {
        self.tracks.iter().map(|t| t.name.clone()).collect()
    }
}

/// What is playing.
#[traversable]
#[derive(Debug)]
pub struct Playback {
    /// The index in the tracklist of the current track.
    pub current: Option<usize>,
}

#[traversable]
impl Playback {
    /// Plays the tracklist from its first track; returns its name.
    #[proxy(actor)]
    pub fn play(core: &mut Core) -> Option<String> {
        Playback::start(core, 0)
    }

    /// Plays the track after the current one, or stops at the end of the tracklist.
    #[proxy(actor)]
    pub fn next(core: &mut Core) -> Option<String> {
        let next = core.playback.current.map_or(0, |i| i + 1);
        Playback::start(core, next)
    }

    /// The name of the current track: the playback controller reads its sibling tracklist.
    #[proxy(actor)]
    pub fn current_track(core: &Core) -> Option<String> {
        let index = core.playback.current?;
        core.tracklist.tracks.get(index).map(|t| t.name.clone())
    }

    fn start(core: &mut Core, index: usize) -> Option<String> {
        let Some(track) = core.tracklist.tracks.get(index).cloned() else {
            core.playback.current = None;
            core.notify(Event::PlaybackStopped);
            return None;
        };
        core.playback.current = Some(index);
        // A deferred call: the core never waits on audio, so audio may call the core back.
        if core.audio.defer().play(track.uri, track.length).is_err() {
            core.playback.current = None;
            return None;
        }
        core.notify(Event::TrackPlaybackStarted(track.name.clone()));
        Some(track.name)
    }
}

/// The volume.
#[traversable]
#[derive(Debug)]
pub struct Mixer {
    /// The volume, 0 to 100 (read with `get_volume()`, set with `set_volume(..)`).
    volume: u8,
}

#[traversable]
impl Mixer {
    /// The volume.
    pub fn get_volume(&self) -> u8 {
        self.volume
    }

    /// Sets the volume (at most 100) on the audio output; returns it. Tells the listeners.
    #[proxy(actor)]
    pub fn set_volume(core: &mut Core, volume: u8) -> u8 {
        let volume = volume.min(100);
        core.mixer.volume = volume;
        // Ignored if audio stopped: the mixer keeps the value for the next output.
        let _ = core.audio.defer().set_volume(volume);
        core.notify(Event::VolumeChanged(volume));
        volume
    }
}

/// The core: its controllers, the backends by URI scheme, the audio output, and the registry
/// its listeners are found in.
#[actor]
#[derive(Debug)]
pub struct Core {
    /// Reached as `core.playback()`.
    #[traversable]
    pub playback: Playback,
    /// Reached as `core.tracklist()`.
    #[traversable]
    pub tracklist: Tracklist,
    /// Reached as `core.mixer()`.
    #[traversable]
    pub mixer: Mixer,
    /// Reached as `core.library()`.
    #[traversable]
    pub library: Library,
    backends: Vec<(String, BackendProxy)>,
    audio: AudioProxy,
    listeners: ActorRegistry,
}

impl Core {
    /// Tells `event` to every core listener in the registry, whatever its type.
    fn notify(&self, event: Event) {
        let failed = self
            .listeners
            .broadcast_interface::<dyn CoreListener>(|l| l.defer().on_event(event.clone()));
        for (listener, error) in failed {
            eprintln!("could not tell {listener} about {event}: {error}");
        }
    }
}

impl Actor for Core {
    type Message = ();
    type Reply = ();
    const INTERFACES: &'static [pykka::Implementation] = pykka::interfaces![AudioListener];
}

#[actor]
impl Core {}

#[actor]
impl AudioListener for Core {
    fn reached_end_of_stream(&mut self, uri: String) {
        if let Some(track) = self.tracklist.tracks.iter().find(|t| t.uri == uri) {
            self.notify(Event::TrackPlaybackEnded(track.name.clone()));
        }
        Playback::next(self);
    }
}

// ---------------------------------------------------------------------------------------------
// Listeners
// ---------------------------------------------------------------------------------------------

/// Keeps the names of the tracks played to their end.
#[actor]
#[derive(Debug, Default)]
pub struct Scrobbler {
    /// The tracks played to their end.
    pub scrobbled: Vec<String>,
}

impl Actor for Scrobbler {
    type Message = ();
    type Reply = ();
    const INTERFACES: &'static [pykka::Implementation] = pykka::interfaces![CoreListener];
}

#[actor]
impl Scrobbler {}

#[actor]
impl CoreListener for Scrobbler {
    fn on_event(&mut self, event: Event) {
        if let Event::TrackPlaybackEnded(name) = event {
            self.scrobbled.push(name);
        }
    }
}

/// A client's view (Mopidy's MPD frontend): logs every event.
#[actor]
#[derive(Debug, Default)]
pub struct Frontend {
    /// Every event, in order.
    pub log: Vec<String>,
}

impl Actor for Frontend {
    type Message = ();
    type Reply = ();
    const INTERFACES: &'static [pykka::Implementation] = pykka::interfaces![CoreListener];
}

#[actor]
impl Frontend {}

#[actor]
impl CoreListener for Frontend {
    fn on_event(&mut self, event: Event) {
        self.log.push(event.to_string());
    }
}

// ---------------------------------------------------------------------------------------------

fn main() -> pykka::Result<()> {
    // The local library's failure is handled by pykka (it logs it); keep Rust's hook quiet.
    pykka::quiet_handled_panics();
    pykka::debug::set_deadlock_detection(true);

    let clock = ManualClock::new();
    let registry = ActorRegistry::with_clock(clock.clone());

    // The backends, under a supervisor, on a pool. What must survive a restart lives outside
    // the state.
    let backends_pool = Pool::builder().workers(2).name("backends").build();
    let network = Arc::new(Latch::default());
    let starts = Arc::new(AtomicU32::new(0));
    let stream_tracks = vec![
        track("stream:radio:blue-note", "Blue Note Radio", 3600),
        track("stream:radio:jazz24", "Jazz24", 3600),
    ];
    let supervisor = SupervisorSpec::new(Strategy::OneForOne)
        .intensity(3, Duration::from_secs(60))
        .child(ChildSpec::on_pool(&backends_pool, {
            let starts = starts.clone();
            move || LocalLibrary::new(starts.fetch_add(1, Ordering::SeqCst) + 1)
        }))
        .child(ChildSpec::on_pool(&backends_pool, {
            let network = network.clone();
            move || Stream {
                network: network.clone(),
                tracks: stream_tracks.clone(),
            }
        }))
        .start_in(&registry)?;
    let local = supervisor
        .child::<LocalLibrary>(0)?
        .expect("child 0 is the local library");
    let stream = supervisor.child::<Stream>(1)?.expect("child 1 is the stream");

    // Two actor types, one typed handle: the core keeps them in one Vec.
    let backends: Vec<BackendProxy> = vec![local.clone().into(), stream.into()];
    let mut by_scheme = Vec::new();
    for backend in backends {
        by_scheme.push((backend.uri_scheme().get()?, backend));
    }

    let audio = Audio::default().start_in(&registry).proxy()?;
    let scrobbler = Scrobbler::default().start_in(&registry).proxy()?;
    let frontend = Frontend::default().start_in(&registry).proxy()?;
    let core = Core {
        playback: Playback { current: None },
        tracklist: Tracklist { tracks: Vec::new() },
        mixer: Mixer { volume: 50 },
        library: Library { searches: 0 },
        backends: by_scheme,
        audio: audio.clone(),
        listeners: registry.clone(),
    }
    .start_in(&registry)
    .proxy()?;

    println!(
        "backends: {}; core listeners: {}; audio listeners: {}",
        registry.get_by_interface::<dyn Backend>().len(),
        registry.get_by_interface::<dyn CoreListener>().len(),
        registry.get_by_interface::<dyn AudioListener>().len(),
    );
    println!(
        "pool {:?}: {} actors on {} workers",
        backends_pool.name(),
        backends_pool.actors(),
        backends_pool.workers()
    );

    // One deadline for both backends: the stream is stuck on the network until after this.
    let found = core.library().search("blue".into()).get()?;
    let names: Vec<&str> = found.tracks.iter().map(|t| t.name.as_str()).collect();
    println!("search \"blue\": {names:?}, skipped {:?}", found.skipped);
    network.open();

    println!("tracklist: {} tracks", core.tracklist().add(found.tracks).get()?);
    println!("volume: {}", core.mixer().set_volume(120).get()?);
    println!("playing: {:?}", core.playback().play().get()?);

    // Lets the actors catch up after a step: audio's tick and its call to the core, the
    // core's call back to audio for the next track. Each ask comes after what it waits for.
    let settle = || -> pykka::Result<()> {
        audio.playing().get()?;
        core.playback().current().get()?;
        audio.playing().get()?;
        Ok(())
    };
    settle()?;
    while let Some(uri) = audio.playing().get()? {
        let length = core.library().lookup(uri).get()?.map_or(Duration::ZERO, |t| t.length);
        clock.advance(length);
        settle()?;
        println!(
            "after {:>4} s: now playing {:?}",
            clock.elapsed().as_secs(),
            core.playback().current_track().get()?
        );
    }
    println!("audio volume: {}", audio.volume().get()?);

    // The local library fails while refreshing; its supervisor restarts it in place, and the
    // core's proxy to it reaches the new incarnation.
    println!("refresh told {} backends", core.library().refresh().get()?);
    let looked_up = core.library().lookup("local:track:so-what".into()).get()?;
    println!(
        "lookup after the restart: {:?} from incarnation {}",
        looked_up.map(|t| t.name),
        local.proxy()?.incarnation().get()?
    );
    let restarts = supervisor.ask_with(|supervisor, _| supervisor.restarts()).get()?;
    println!("the supervisor restarted a backend {restarts} time(s)");

    // The listeners' events were told before the replies above, so these asks come after them.
    println!("scrobbled: {:?}", scrobbler.scrobbled().get()?);
    for line in frontend.log().get()? {
        println!("frontend: {line}");
    }
    registry.stop_all();
    println!("after stop_all, actors on the pool: {}", backends_pool.actors());
    backends_pool.shutdown();
    Ok(())
}
