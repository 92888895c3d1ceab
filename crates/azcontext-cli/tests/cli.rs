//! `azctx` as a user meets it: real processes on a real store folder. The listing, the switcher
//! (`select` by prefix, `select -`, the picker in a terminal), one "not found" wording with close
//! names, help and usage text, and the shell completion scripts.

mod common;
use common::{azctx, ok, run, AZCTX};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const TENANT: &str = "c0ffee00-1234-4abc-9def-000000000042";
const PROD_SUB: &str = "5f3e0c2a-7d41-4b8e-9a60-2c1d8e4f7b90";
const DEV_SUB: &str = "11111111-2222-4333-8444-555555555555";

/// Exit code and stderr of a command that must fail.
fn fails(dir: &Path, args: &[&str]) -> (i32, String) {
    let o = run(dir, args);
    assert!(!o.status.success(), "azctx {args:?} succeeded");
    (
        o.status.code().unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

/// A store with `prod` (named subscription), `prod-eu` (named) and `dev` (a subscription with no
/// name); `dev` is current.
fn store() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    for (name, sub, sub_name, account) in [
        ("prod", PROD_SUB, Some("Contoso Prod"), "jane@contoso.com"),
        (
            "prod-eu",
            "22222222-2222-4222-8222-222222222222",
            Some("Contoso EU"),
            "jane@contoso.com",
        ),
        ("dev", DEV_SUB, None, "bob@contoso.com"),
    ] {
        let mut args = vec![
            "set",
            "--name",
            name,
            "--subscription",
            sub,
            "--tenant",
            TENANT,
            "--account",
            account,
        ];
        if let Some(n) = sub_name {
            args.extend(["--subscription-name", n]);
        }
        ok(dir, &args);
    }
    tmp
}

#[test]
fn list_is_a_table_with_the_current_marker_subscription_tenant_and_account() {
    let tmp = store();
    let text = ok(tmp.path(), &["list"]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(
        header,
        ["CURRENT", "NAME", "SUBSCRIPTION", "TENANT", "ACCOUNT"]
    );
    let row = |name: &str| {
        *lines
            .iter()
            .find(|l| l.split_whitespace().any(|w| w == name))
            .unwrap()
    };
    let dev: Vec<&str> = row("dev").split_whitespace().collect();
    assert_eq!(dev, ["*", "dev", DEV_SUB, TENANT, "bob@contoso.com"]);
    let prod = row("prod");
    assert!(!prod.starts_with('*'), "{prod}");
    assert!(
        prod.contains(&format!("Contoso Prod ({PROD_SUB})")),
        "the subscription's name and id: {prod}"
    );
    // Columns line up: every row has NAME where the header has it.
    let at = lines[0].find("NAME").unwrap();
    assert!(lines[1..]
        .iter()
        .all(|l| l[at..].starts_with(|c: char| c != ' ')));
}

#[test]
fn list_json_is_one_small_object_per_context_with_current() {
    let tmp = store();
    let json = ok(tmp.path(), &["list", "--json"]);
    assert!(json.starts_with("[{\"name\":"), "{json}");
    assert!(json.contains(&format!(
        "{{\"name\":\"dev\",\"current\":true,\"subscriptionId\":\"{DEV_SUB}\",\"subscriptionName\":null,\"tenantId\":\"{TENANT}\",\"account\":\"bob@contoso.com\",\"accountType\":\"User\",\"environment\":\"AzureCloud\"}}"
    )), "{json}");
    assert!(
        json.contains("\"name\":\"prod\",\"current\":false"),
        "{json}"
    );
    assert!(
        !json.contains("ResourceManagerUrl") && !json.contains("https://"),
        "no environment endpoints: {json}"
    );
    // In the store's order, as `list` shows them.
    assert_eq!(ok(tmp.path(), &["list", "--names"]), "dev\nprod-eu\nprod\n");
}

#[test]
fn current_json_is_the_list_object_of_the_current_context() {
    let tmp = store();
    let json = ok(tmp.path(), &["current", "--json"]);
    assert_eq!(
        json,
        format!("{{\"name\":\"dev\",\"current\":true,\"subscriptionId\":\"{DEV_SUB}\",\"subscriptionName\":null,\"tenantId\":\"{TENANT}\",\"account\":\"bob@contoso.com\",\"accountType\":\"User\",\"environment\":\"AzureCloud\"}}\n")
    );
    let o = azctx(tmp.path())
        .env("AZCONTEXT_NAME", "PROD")
        .args(["current", "--json"])
        .output()
        .unwrap();
    let pinned = String::from_utf8(o.stdout).unwrap();
    assert!(
        pinned.starts_with("{\"name\":\"prod\",\"current\":true,"),
        "the pinned context: {pinned}"
    );
}

#[test]
fn current_with_quiet_or_or_gives_a_fallback_and_exit_0_when_there_is_none() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (code, err) = fails(dir, &["current"]);
    assert_eq!(code, 2);
    assert!(err.starts_with("azctx: no current context"), "{err}");
    for args in [
        &["current", "--quiet"][..],
        &["current", "-q"],
        &["current", "--json", "--quiet"],
    ] {
        let o = run(dir, args);
        assert_eq!(o.status.code(), Some(0), "{args:?}");
        assert!(
            o.stdout.is_empty() && o.stderr.is_empty(),
            "{args:?}: {o:?}"
        );
    }
    let o = run(dir, &["current", "--or", "(no context)"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(String::from_utf8(o.stdout).unwrap(), "(no context)\n");
    assert!(o.stderr.is_empty());
    assert!(!dir.join("AzureRmContext.json").exists(), "nothing written");

    // With a current context the fallback is not used.
    let tmp = store();
    assert_eq!(ok(tmp.path(), &["current", "--or", "none"]), "dev\n");
    assert_eq!(ok(tmp.path(), &["current", "-q"]), "dev\n");
    // A broken store is still an error, not "no context".
    std::fs::write(tmp.path().join("AzureRmContext.json"), "not json\n").unwrap();
    let (code, err) = fails(tmp.path(), &["current", "--or", "none"]);
    assert_eq!(code, 5, "{err}");
    // --quiet and --or are one choice; --or prints text, which is not JSON.
    assert_eq!(fails(dir, &["current", "-q", "--or", "x"]).0, 1);
    assert_eq!(fails(dir, &["current", "--json", "--or", "x"]).0, 1);
}

#[test]
fn a_one_line_file_that_is_not_json_is_reported_at_line_1() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("AzureRmContext.json");
    for text in ["not json\n", "not json\r\n", "not json"] {
        std::fs::write(&file, text).unwrap();
        let (code, err) = fails(tmp.path(), &["current"]);
        assert_eq!(code, 5, "{err}");
        assert!(
            err.contains(": line 1, column 1: no JSON object found"),
            "{text:?}: {err}"
        );
    }
}

#[test]
fn select_takes_a_unique_prefix_or_another_case() {
    let tmp = store();
    let dir = tmp.path();
    assert_eq!(ok(dir, &["select", "PROD-"]), "prod-eu\n");
    assert_eq!(ok(dir, &["current"]), "prod-eu\n");
    assert_eq!(ok(dir, &["select", "de"]), "dev\n");
    // Exact beats prefix: "prod" is a name, and a prefix of "prod-eu".
    assert_eq!(ok(dir, &["select", "prod"]), "prod\n");
    // Two names start with "pr": not found, both suggested, nothing changed.
    let (code, err) = fails(dir, &["select", "pr"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "azctx: no context named 'pr'; did you mean 'prod' or 'prod-eu'?\n"
    );
    assert_eq!(ok(dir, &["current"]), "prod\n");
}

#[test]
fn not_found_has_one_wording_and_suggests_close_names() {
    let tmp = store();
    let dir = tmp.path();
    for args in [
        &["select", "Dev2"][..],
        &["show", "Dev2"],
        &["rename", "Dev2", "x"],
        &["remove", "Dev2"],
    ] {
        let (code, err) = fails(dir, args);
        assert_eq!(code, 2, "{args:?}");
        assert_eq!(
            err, "azctx: no context named 'Dev2'; did you mean 'dev'?\n",
            "{args:?}"
        );
    }
    let (code, err) = fails(dir, &["select", "nothing-like-it"]);
    assert_eq!(code, 2);
    assert_eq!(err, "azctx: no context named 'nothing-like-it'\n");
}

#[test]
fn select_dash_goes_back_and_forth() {
    let tmp = store();
    let dir = tmp.path();
    let (code, err) = fails(dir, &["select", "-"]);
    assert_eq!(code, 2);
    assert!(err.contains("no previous context"), "{err}");
    ok(dir, &["select", "prod"]);
    assert_eq!(ok(dir, &["select", "-"]), "dev\n");
    assert_eq!(ok(dir, &["select", "-"]), "prod\n");
    assert_eq!(ok(dir, &["current"]), "prod\n");
    // Selecting the current context again keeps the previous one.
    ok(dir, &["select", "prod"]);
    assert_eq!(ok(dir, &["select", "-"]), "dev\n");
    // The previous context lives in the store folder, so another shell goes back to the same one.
    assert_eq!(
        std::fs::read_to_string(dir.join("azctx-previous")).unwrap(),
        "prod"
    );
}

#[test]
fn select_without_a_name_outside_a_terminal_shows_the_syntax() {
    let tmp = store();
    let (code, err) = fails(tmp.path(), &["select"]);
    assert_eq!(code, 1);
    assert!(err.contains("Usage: azctx select [NAME | -]"), "{err}");
}

#[test]
fn usage_errors_show_the_real_syntax() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, err) = fails(tmp.path(), &["rename", "a"]);
    assert_eq!(code, 1);
    assert!(err.contains("Usage: azctx rename <OLD> <NEW>"), "{err}");
    let (code, err) = fails(tmp.path(), &["set", "--name", "a"]);
    assert_eq!(code, 1);
    assert!(
        err.contains(
            "Usage: azctx set --name <NAME> --subscription <ID> --tenant <ID> --account <ID>"
        ),
        "{err}"
    );
    let (code, err) = fails(tmp.path(), &["completion", "tcsh"]);
    assert_eq!(code, 1);
    assert!(err.contains("bash, zsh, fish, powershell"), "{err}");
}

#[test]
fn every_subcommand_and_option_has_a_one_line_description() {
    let tmp = tempfile::tempdir().unwrap();
    let help = ok(tmp.path(), &["--help"]);
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|l| *l != "Commands:")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    assert!(commands.len() >= 9, "{help}");
    for line in &commands {
        let words: Vec<&str> = line.split_whitespace().collect();
        assert!(words.len() >= 3, "no description: {line:?}");
        // One line each: a short sentence, not a paragraph run together.
        assert!(
            line.chars().count() <= 100,
            "not a one-line description: {line:?}"
        );
        let sub = words[0];
        if sub == "help" {
            continue;
        }
        let sub_help = ok(tmp.path(), &[sub, "--help"]);
        let lines: Vec<&str> = sub_help.lines().collect();
        for (i, l) in lines.iter().enumerate() {
            // An argument or option: "  -h, --help  Print help", or its help on the next line.
            let t = l.trim_start();
            // (Only at an entry's indent: "[default: …]" below a description is not an entry.)
            if !(l.starts_with("  ")
                && l.len() - t.len() <= 6
                && (t.starts_with('-') || t.starts_with('<') || t.starts_with('[')))
            {
                continue;
            }
            let inline = t.split("  ").filter(|p| !p.trim().is_empty()).count() >= 2;
            let next = lines.get(i + 1).map(|n| n.trim_start()).unwrap_or("");
            let below = lines
                .get(i + 1)
                .is_some_and(|n| n.len() - n.trim_start().len() > l.len() - t.len())
                && !next.is_empty();
            assert!(
                inline || below,
                "azctx {sub}: no description for {t:?}\n{sub_help}"
            );
        }
    }
}

#[test]
fn bash_completion_completes_subcommands_and_context_names() {
    let tmp = store();
    let script = ok(tmp.path(), &["completion", "bash"]);
    let file = tmp.path().join("azctx.bash");
    std::fs::write(&file, script).unwrap();
    let bin_dir = Path::new(AZCTX).parent().unwrap();
    let complete = |words: &str, cword: usize| {
        let o = Command::new("bash")
            .arg("-c")
            .arg(format!(
                "source '{}'; COMP_WORDS=({words}); COMP_CWORD={cword}; COMP_LINE='{words}'; COMP_POINT=${{#COMP_LINE}}; _azctx_with_names azctx \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
                file.display()
            ))
            .env("AZCONTEXT_DIR", tmp.path())
            .env(
                "PATH",
                format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap()),
            )
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    let subs = complete("azctx se", 1);
    assert!(
        subs.lines().any(|l| l == "select") && subs.lines().any(|l| l == "set"),
        "{subs}"
    );
    let names = complete("azctx select pr", 2);
    let mut names: Vec<&str> = names.lines().collect();
    names.sort();
    assert_eq!(names, ["prod", "prod-eu"]);
    // The project's test helpers are hidden from help and from every completion script.
    assert_eq!(complete("azctx te", 1), "\n");
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let script = ok(tmp.path(), &["completion", shell]);
        assert!(!script.contains("test-helper"), "{shell}");
        assert!(script.contains("rename"), "{shell}");
    }
}

#[test]
fn removing_this_shell_s_pinned_context_needs_force_and_conflicts_say_how() {
    let tmp = store();
    let pinned = |args: &[&str]| {
        azctx(tmp.path())
            .env("AZCONTEXT_NAME", "prod")
            .args(args)
            .output()
            .unwrap()
    };
    let o = pinned(&["remove", "PROD"]);
    assert_eq!(o.status.code(), Some(3));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.contains("'prod' is the current context; use --force"),
        "{err}"
    );
    assert!(ok(tmp.path(), &["list", "--names"]).contains("prod\n"));
    assert!(pinned(&["remove", "prod", "--force"]).status.success());
    assert!(!ok(tmp.path(), &["list", "--names"])
        .lines()
        .any(|l| l == "prod"));
    let (code, err) = fails(tmp.path(), &["clear"]);
    assert_eq!(code, 3);
    assert!(err.contains("use --force to clear"), "{err}");
    assert!(
        !ok(tmp.path(), &["list", "--names"]).is_empty(),
        "nothing cleared"
    );
    let (code, err) = fails(tmp.path(), &["rename", "dev", "prod-eu"]);
    assert_eq!(code, 3);
    assert!(err.ends_with("(use --force to replace it)\n"), "{err}");
}

#[test]
fn zsh_fish_and_powershell_scripts_complete_context_names() {
    let tmp = tempfile::tempdir().unwrap();
    let zsh = ok(tmp.path(), &["completion", "zsh"]);
    assert!(zsh.contains("#compdef azctx"), "clap's zsh script");
    assert!(
        zsh.contains(":_azctx_context_names' \\"),
        "positional names completed"
    );
    assert!(zsh.find("_azctx_context_names() {").unwrap() < zsh.rfind("_azctx \"$@\"").unwrap());
    let fish = ok(tmp.path(), &["completion", "fish"]);
    assert!(fish.contains(
        "complete -c azctx -n '__fish_seen_subcommand_from select use show rename remove"
    ));
    assert!(fish.contains("(azctx list --names 2>/dev/null)"));
    let pwsh = ok(tmp.path(), &["completion", "powershell"]);
    assert!(pwsh.contains("$script:AzctxClapCompleter = {"));
    assert_eq!(
        pwsh.matches("Register-ArgumentCompleter -Native -CommandName 'azctx'")
            .count(),
        1
    );
}

/// The numbered picker, driven through a real terminal (tmux): the user types a number.
#[test]
fn select_without_a_name_in_a_terminal_picks_by_number() {
    let tmp = store();
    let dir = tmp.path();
    let session = format!("azctx-pick-{}", std::process::id());
    let done = dir.join("picker-exit");
    // PATH without fzf, so the numbered picker is the one shown.
    let shell = format!(
        "PATH=/usr/bin:/bin AZCONTEXT_DIR='{}' '{}' select; echo $? > '{}'; sleep 60",
        dir.display(),
        AZCTX,
        done.display()
    );
    let tmux = |args: &[&str]| {
        let o = Command::new("tmux")
            .args(args)
            .output()
            .expect("tmux is installed");
        assert!(
            o.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    };
    tmux(&[
        "new-session",
        "-d",
        "-s",
        &session,
        "-x",
        "120",
        "-y",
        "30",
        &shell,
    ]);
    let wait_for = |what: &dyn Fn() -> bool| {
        let start = Instant::now();
        while !what() {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "the picker never got there"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    wait_for(&|| tmux(&["capture-pane", "-p", "-t", &session]).contains("context number (1-3):"));
    let screen = tmux(&["capture-pane", "-p", "-t", &session]);
    assert!(screen.contains("*   1  dev"), "{screen}");
    assert!(screen.contains("    2  prod-eu"), "{screen}");
    assert!(screen.contains("    3  prod"), "{screen}");
    tmux(&["send-keys", "-t", &session, "2", "Enter"]);
    wait_for(&|| std::fs::read_to_string(&done).is_ok_and(|s| s.ends_with('\n')));
    let _ = Command::new("tmux")
        .args(["kill-session", "-t", &session])
        .output();
    assert_eq!(std::fs::read_to_string(&done).unwrap(), "0\n");
    assert_eq!(ok(dir, &["current"]), "prod-eu\n");
}

#[test]
fn azcontext_name_pins_the_current_context_of_one_process() {
    let tmp = store();
    let dir = tmp.path();
    let pinned = |name: &str, args: &[&str]| {
        azctx(dir)
            .env("AZCONTEXT_NAME", name)
            .args(args)
            .output()
            .unwrap()
    };
    let o = pinned("PROD", &["current"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        "prod\n",
        "the stored key, found ignoring case"
    );
    let list = String::from_utf8(pinned("prod", &["list", "--json"]).stdout).unwrap();
    assert!(
        list.contains(r#""name":"prod","#) && list.contains(r#""current":true"#),
        "{list}"
    );
    assert!(!list.contains(r#""name":"dev","subscription":"11111111-2222-4333-8444-555555555555","subscriptionName":null,"tenant":"c0ffee00-1234-4abc-9def-000000000042","account":"bob@contoso.com","current":true"#), "{list}");
    // Nothing was written: a process without the variable still starts on the stored default.
    assert_eq!(ok(dir, &["current"]), "dev\n");
}

#[test]
fn an_azcontext_name_that_is_not_stored_is_an_error_not_another_context() {
    let tmp = store();
    let o = azctx(tmp.path())
        .env("AZCONTEXT_NAME", "nope")
        .arg("current")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        o.stdout.is_empty(),
        "nothing printed: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.contains("'nope' named by AZCONTEXT_NAME is not stored"),
        "{err}"
    );
}

#[test]
fn use_prints_the_line_that_switches_one_shell_and_use_dash_goes_back() {
    let tmp = store();
    let dir = tmp.path();
    assert_eq!(
        ok(dir, &["use", "prod-"]),
        "export AZCONTEXT_NAME='prod-eu'; export AZCONTEXT_PREVIOUS='dev'\n"
    );
    assert_eq!(
        ok(dir, &["use", "prod", "--shell", "pwsh"]),
        "$env:AZCONTEXT_NAME = 'prod'; $env:AZCONTEXT_PREVIOUS = 'dev'\n"
    );
    assert_eq!(
        ok(dir, &["use", "prod", "--shell", "fish"]),
        "set -gx AZCONTEXT_NAME 'prod'; set -gx AZCONTEXT_PREVIOUS 'dev'\n"
    );
    // A real shell: eval switches this shell only; `use -` goes back.
    let script = format!(
        r#"eval "$('{azctx}' use prod-eu)"; '{azctx}' current; eval "$('{azctx}' use -)"; '{azctx}' current; eval "$('{azctx}' use -)"; '{azctx}' current"#,
        azctx = AZCTX
    );
    let o = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .env("AZCONTEXT_DIR", dir)
        .env_remove("AZCONTEXT_NAME")
        .env_remove("AZCONTEXT_PREVIOUS")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        "prod-eu\ndev\nprod-eu\n"
    );
    assert_eq!(
        ok(dir, &["current"]),
        "dev\n",
        "the stored default is untouched"
    );
    let (code, err) = fails(dir, &["use", "-"]);
    assert_eq!(code, 2);
    assert!(err.contains("no previous context"), "{err}");
    let (code, _) = fails(dir, &["use", "nope"]);
    assert_eq!(code, 2);
}
