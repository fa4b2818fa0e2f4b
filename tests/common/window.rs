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

    /// What the account dialog's last "Test connection" found (Ok) or said went wrong.
    pub fn tested(&self) -> Result<String, String> {
        self.app
            .dialog
            .as_ref()
            .expect("the account dialog is open")
            .tested()
            .expect("a test has finished")
    }

    /// True when the view shows exactly this text somewhere.
    pub fn shows(&self, text: &str) -> bool {
        self.simulator().find(text).is_ok()
    }

    /// Panics, naming the text, when the view does not show it.
    pub fn expect(&self, text: &str) {
        assert!(self.shows(text), "the window does not show {text:?}");
    }
}
