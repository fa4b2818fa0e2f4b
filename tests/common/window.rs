//! A driver for the window's state: starts it on a temp data folder, sends it messages and
//! runs the tasks they return to completion (as the runtime would), and builds a headless
//! simulator of the current view to find, click and type as a user would.

use iced::futures::StreamExt;
use iced::{Settings, Task};
use iced_test::Simulator;
use iced_test::selector::id;
use poplar::app::{App, Message};
use poplar::i18n::{self, Language};
use poplar::paths::Paths;

pub const SIZE: (f32, f32) = (1100.0, 720.0);

pub struct Window {
    pub runtime: tokio::runtime::Runtime,
    pub app: App,
}

impl Window {
    /// The window on `paths`, speaking `language` on this test's thread.
    pub fn start(paths: Paths, language: Language) -> Window {
        i18n::set_thread_language(language);
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let (app, boot) = {
            let _enter = runtime.enter();
            App::new(paths)
        };
        let mut window = Window { runtime, app };
        window.drive(boot);
        window
    }

    /// Runs a task and everything its messages lead to.
    pub fn drive(&mut self, task: Task<Message>) {
        let _enter = self.runtime.enter();
        let mut queue = vec![task];
        while let Some(task) = queue.pop() {
            let Some(stream) = iced_test::runtime::task::into_stream(task) else {
                continue;
            };
            for action in self.runtime.block_on(stream.collect::<Vec<_>>()) {
                if let iced_test::runtime::Action::Output(message) = action {
                    queue.push(self.app.update(message));
                }
            }
        }
    }

    /// Sends messages one by one, each with its consequences.
    pub fn send(&mut self, messages: impl IntoIterator<Item = Message>) {
        for message in messages {
            let task = {
                let _enter = self.runtime.enter();
                self.app.update(message)
            };
            self.drive(task);
        }
    }

    pub fn simulator(&self) -> Simulator<'_, Message> {
        Simulator::with_size(Settings::default(), SIZE, self.app.view())
    }

    /// Clicks the widget showing `text` and applies what the click produced.
    pub fn click(&mut self, text: &str) {
        let mut ui = self.simulator();
        if let Err(e) = ui.click(text) {
            panic!("could not click {text:?}: {e:?}");
        }
        let messages: Vec<Message> = ui.into_messages().collect();
        self.send(messages);
    }

    /// Presses a key (with Shift held when `shift`) where no text field has the focus.
    #[allow(dead_code)]
    pub fn press(&mut self, key: iced::keyboard::Key, shift: bool) {
        use iced::keyboard::{Event, Location, Modifiers, key};
        let modifiers = if shift {
            Modifiers::SHIFT
        } else {
            Modifiers::default()
        };
        let event = Event::KeyPressed {
            key: key.clone(),
            modified_key: key,
            physical_key: key::Physical::Unidentified(key::NativeCode::Unidentified),
            location: Location::Standard,
            modifiers,
            text: None,
            repeat: false,
        };
        // Shift is let go again after the key, as a hand does.
        self.send([
            Message::Key(Event::ModifiersChanged(modifiers)),
            Message::Key(event),
            Message::Key(Event::ModifiersChanged(Modifiers::default())),
        ]);
    }

    /// Clicks the text field with this id and types into it.
    pub fn type_into(&mut self, field: &'static str, typed: &str) {
        let mut ui = self.simulator();
        if let Err(e) = ui.click(id(field)) {
            panic!("could not click the field {field:?}: {e:?}");
        }
        let _ = ui.typewrite(typed);
        let messages: Vec<Message> = ui.into_messages().collect();
        self.send(messages);
    }

    /// The open message's body as the reading pane holds it (an editor widget, so not
    /// found by text).
    pub fn body(&self) -> String {
        match &self.app.reader {
            poplar::ui::reader::Reader::Loaded { body, .. } => body.text(),
            _ => String::new(),
        }
    }

    /// What the account dialog's last "Test connection" found (Ok) or said went wrong.
    pub fn tested(&self) -> Result<String, String> {
        self.app
            .account_dialog()
            .expect("the account dialog is open")
            .tested()
            .expect("a test has finished")
    }

    /// True when the view shows exactly this text somewhere.
    pub fn shows(&self, text: &str) -> bool {
        self.simulator().find(text).is_ok()
    }

    /// Starts the background worker on `paths` for the window (checks only on command):
    /// its events, for [`Window::until_fetch_done`].
    #[allow(dead_code)]
    pub fn start_worker(
        &mut self,
        paths: &Paths,
    ) -> tokio::sync::mpsc::UnboundedReceiver<poplar::worker::Event> {
        let (handle, events) = {
            let _enter = self.runtime.enter();
            poplar::worker::spawn(paths.clone(), poplar::worker::Schedule::OnCommand)
        };
        self.send([Message::Worker(poplar::app::WorkerMessage::Ready(handle))]);
        events
    }

    /// Feeds the worker's events to the window until one that ends a fetch: that one.
    #[allow(dead_code)]
    pub fn until_fetch_done(
        &mut self,
        events: &mut tokio::sync::mpsc::UnboundedReceiver<poplar::worker::Event>,
    ) -> poplar::worker::Event {
        use poplar::worker::Event;
        loop {
            let event = self.runtime.block_on(events.recv()).unwrap();
            let done = matches!(event, Event::Finished { .. } | Event::Failed { .. });
            self.send([Message::Worker(poplar::app::WorkerMessage::Event(
                event.clone(),
            ))]);
            if done {
                return event;
            }
        }
    }

    /// Panics, naming the text, when the view does not show it.
    pub fn expect(&self, text: &str) {
        assert!(self.shows(text), "the window does not show {text:?}");
    }
}

/// Reads a PNG as (width, height, RGBA bytes).
pub fn read_png(path: &std::path::Path) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut bytes = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut bytes).unwrap();
    bytes.truncate(info.buffer_size());
    (info.width, info.height, bytes)
}

/// Renders the window (tiny-skia) and compares it with `tests/snapshots/NAME.png`: at most
/// one pixel in a thousand may differ noticeably (text anti-aliasing). With
/// POPLAR_UPDATE_SNAPSHOTS=1 the reference is written (and then looked at by a person);
/// a missing reference fails, so that a test cannot pass by writing its own.
pub fn matches_snapshot(w: &Window, theme: &iced::Theme, name: &str) {
    let out = tempfile::tempdir().unwrap();
    let mut ui = w.simulator();
    let snapshot = ui.snapshot(theme).unwrap();
    snapshot.matches_image(out.path().join("shot.png")).unwrap();
    let shot = out.path().join("shot-tiny-skia.png");
    assert!(
        shot.exists(),
        "snapshots are drawn with tiny-skia: run the tests with ICED_TEST_BACKEND=tiny-skia (packaging/test.sh does)"
    );
    let reference = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{name}.png"));
    if std::env::var_os("POPLAR_UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(reference.parent().unwrap()).unwrap();
        std::fs::copy(&shot, &reference).unwrap();
        return;
    }
    if !reference.exists() {
        let kept = std::env::temp_dir().join(format!("poplar-{name}-actual.png"));
        std::fs::copy(&shot, &kept).unwrap();
        panic!(
            "{name}: tests/snapshots/{name}.png is missing; this run's picture is {} (look at it, then write it with POPLAR_UPDATE_SNAPSHOTS=1)",
            kept.display()
        );
    }
    let (w1, h1, a) = read_png(&shot);
    let (w2, h2, b) = read_png(&reference);
    assert_eq!((w1, h1), (w2, h2), "{name}: the size changed");
    let differing = a
        .chunks(4)
        .zip(b.chunks(4))
        .filter(|(p, q)| p.iter().zip(q.iter()).any(|(x, y)| x.abs_diff(*y) > 24))
        .count();
    let allowed = (w1 * h1) as usize / 1000;
    if differing > allowed {
        let kept = std::env::temp_dir().join(format!("poplar-{name}-actual.png"));
        std::fs::copy(&shot, &kept).unwrap();
        panic!(
            "{name}: {differing} pixels differ from tests/snapshots/{name}.png (at most {allowed} may); this run's picture is {}",
            kept.display()
        );
    }
}
