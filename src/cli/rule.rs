//! `poplar rule`: sorting rules from the command line (add, list, remove, run now).

use anyhow::{Result, bail};
use clap::{Args, Subcommand};

use crate::paths::Paths;
use crate::rules::{Action, Compiled, Condition, Field, Rule, Test};
use crate::store::{Store, View};

#[derive(Debug, Subcommand)]
pub enum RuleCommand {
    /// Add a rule after the others. Texts are matched as "contains" (with --regex, as
    /// regular expressions), after NFKC normalization and case folding
    Add(Box<AddRule>),
    /// List the rules in order
    List {
        #[arg(long)]
        json: bool,
    },
    /// Remove the rule so named
    Remove { name: String },
    /// Apply the rules (or the one named) now to the inboxes, or to one folder
    Run {
        name: Option<String>,
        /// Inbox, Trash or a local folder's name
        #[arg(long, value_name = "F")]
        folder: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct AddRule {
    pub name: String,
    /// Only for this account's mail (default: every account's)
    #[arg(long, value_name = "NAME")]
    pub account: Option<String>,
    /// Any one condition suffices (default: all are needed)
    #[arg(long)]
    pub any: bool,
    /// The texts of this rule are regular expressions
    #[arg(long)]
    pub regex: bool,
    #[arg(long, value_name = "T")]
    pub from: Vec<String>,
    /// To or Cc
    #[arg(long, value_name = "T")]
    pub to: Vec<String>,
    #[arg(long, value_name = "T")]
    pub subject: Vec<String>,
    /// Any header by name: NAME:T
    #[arg(long, value_name = "NAME:T")]
    pub header: Vec<String>,
    /// The message's text
    #[arg(long, value_name = "T")]
    pub body: Vec<String>,
    /// Larger than SIZE (bytes, or with K or M)
    #[arg(long, value_name = "SIZE", value_parser = super::parse_size)]
    pub size_over: Vec<u64>,
    #[arg(long)]
    pub has_attachment: bool,
    /// Into this local folder (made when it does not exist)
    #[arg(long, value_name = "FOLDER")]
    pub move_to: Option<String>,
    #[arg(long)]
    pub mark_read: bool,
    #[arg(long)]
    pub flag: bool,
    /// Into the Junk folder
    #[arg(long)]
    pub junk: bool,
    /// Into the Trash here
    #[arg(long)]
    pub delete: bool,
    /// Leave it on the server and store nothing of it (decided from its headers before
    /// download)
    #[arg(long)]
    pub skip_download: bool,
    /// Delete it on the server without downloading it (decided from its headers)
    #[arg(long)]
    pub delete_on_server: bool,
    /// Look at no further rule when this one matches
    #[arg(long)]
    pub stop: bool,
}

pub fn run(paths: &Paths, command: RuleCommand) -> Result<()> {
    match command {
        RuleCommand::Add(add) => {
            let store = Store::open(&paths.database())?;
            let rule = rule_of(&store, *add)?;
            // Checked as the fetch will use it: a broken regex is said now.
            Compiled::new(rule.clone())?;
            store.add_rule(&rule)?;
            println!("Rule \"{}\" added.", rule.name);
            Ok(())
        }
        RuleCommand::List { json } => list(paths, json),
        RuleCommand::Remove { name } => {
            Store::open(&paths.database())?.remove_rule(&name)?;
            println!("Rule \"{name}\" removed.");
            Ok(())
        }
        RuleCommand::Run { name, folder } => run_now(paths, name.as_deref(), folder.as_deref()),
    }
}

fn rule_of(store: &Store, add: AddRule) -> Result<Rule> {
    let test = if add.regex {
        Test::Regex
    } else {
        Test::Contains
    };
    let text = |field: Field, texts: Vec<String>| {
        texts.into_iter().map(move |text| Condition::Text {
            field: field.clone(),
            test,
            text,
        })
    };
    let mut conditions: Vec<Condition> = Vec::new();
    conditions.extend(text(Field::From, add.from));
    conditions.extend(text(Field::ToCc, add.to));
    conditions.extend(text(Field::Subject, add.subject));
    for header in add.header {
        let Some((name, value)) = header.split_once(':') else {
            bail!("--header takes NAME:TEXT, as in --header X-Mailer:Becky");
        };
        conditions.push(Condition::Text {
            field: Field::Header(name.trim().to_string()),
            test,
            text: value.to_string(),
        });
    }
    conditions.extend(text(Field::Body, add.body));
    conditions.extend(add.size_over.into_iter().map(Condition::SizeOver));
    if add.has_attachment {
        conditions.push(Condition::HasAttachment);
    }
    let mut actions = Vec::new();
    if let Some(folder) = add.move_to {
        if folder.trim().is_empty() {
            bail!("--move-to needs a folder name");
        }
        actions.push(Action::MoveTo(folder));
    }
    for (on, action) in [
        (add.mark_read, Action::MarkRead),
        (add.flag, Action::Flag),
        (add.junk, Action::Junk),
        (add.delete, Action::Delete),
        (add.skip_download, Action::SkipDownload),
        (add.delete_on_server, Action::DeleteOnServer),
        (add.stop, Action::Stop),
    ] {
        if on {
            actions.push(action);
        }
    }
    let account = match add.account {
        Some(name) => Some(store.account(&name)?.id),
        None => None,
    };
    Ok(Rule {
        name: add.name,
        account,
        any: add.any,
        conditions,
        actions,
        enabled: true,
    })
}

fn list(paths: &Paths, json: bool) -> Result<()> {
    let store = Store::open(&paths.database())?;
    let accounts = store.accounts()?;
    let account_name = |rule: &Rule| {
        rule.account.map(|id| {
            accounts
                .iter()
                .find(|a| a.id == id)
                .map(|a| a.settings.name.clone())
                .unwrap_or_default()
        })
    };
    let rules = store.rules()?;
    if json {
        let rows: Vec<serde_json::Value> = rules
            .iter()
            .map(|r| {
                serde_json::json!({
                    "name": r.name,
                    "account": account_name(r),
                    "any": r.any,
                    "enabled": r.enabled,
                    "conditions": r.conditions,
                    "actions": r.actions,
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    for rule in &rules {
        println!(
            "{}\t{}\t{}\t{}",
            rule.name,
            account_name(rule).unwrap_or_else(|| "(every account)".into()),
            serde_json::to_string(&rule.conditions)?,
            serde_json::to_string(&rule.actions)?
        );
    }
    Ok(())
}

/// `rule run`: what the rules say now, done to the messages of the inboxes or a folder.
fn run_now(paths: &Paths, only: Option<&str>, folder: Option<&str>) -> Result<()> {
    let mut store = Store::open(&paths.database())?;
    let view = match folder {
        Some(name) => super::list::place(&store, name)?.view,
        None => View::Inbox(None),
    };
    if only.is_none() && !store.rules()?.iter().any(|r| r.enabled) {
        bail!("there are no rules: add one with poplar rule add");
    }
    let (matched, of) = store.run_rules(view, only)?;
    println!("The rules matched {matched} of {of} messages.");
    Ok(())
}
