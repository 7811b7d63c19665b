//! The reader on the shapes plans come in, and on the traps: files only read, a merge order,
//! a "Done when" list.

use super::*;

fn item<'p>(plan: &'p PlanDocument, name: &str) -> &'p WorkItem {
    plan.items
        .iter()
        .find(|i| i.name == name)
        .unwrap_or_else(|| panic!("no item {name} in {:#?}", plan.items))
}

fn names(plan: &PlanDocument) -> Vec<&str> {
    plan.items.iter().map(|i| i.name.as_str()).collect()
}

#[test]
fn numbered_tasks_with_bracketed_dependencies_and_file_lists() {
    let plan = read(
        "# Sync\n\
         \n\
         Relevant files: `src/store/notes.ts`.\n\
         \n\
         ## Phase 1\n\
         \n\
         ### Task 1.1: Edit queue schema [Depends on: none]\n\
         **Files to create**\n\
         - src/offline/queue.ts\n\
         **Files to modify**\n\
         - src/store/notes.ts\n\
         Estimate: 2h\n\
         \n\
         ### Task 1.2: Sync worker [Depends on: 1.1]\n\
         **Files to create**\n\
         - src/offline/worker.ts\n\
         Estimate: 3-4 hours\n",
    );
    assert_eq!(
        names(&plan),
        ["Task 1.1: Edit queue schema", "Task 1.2: Sync worker"]
    );
    let first = item(&plan, "Task 1.1: Edit queue schema");
    assert_eq!(first.files, ["src/offline/queue.ts", "src/store/notes.ts"]);
    assert_eq!(first.estimate_hours, Some(2.0));
    assert_eq!(first.line, 7);
    let second = item(&plan, "Task 1.2: Sync worker");
    assert_eq!(second.depends_on, ["Task 1.1: Edit queue schema"]);
    assert_eq!(second.estimate_hours, Some(3.5));
    assert!(plan.warnings.is_empty(), "{:?}", plan.warnings);
}

#[test]
fn agent_sections_under_a_sequential_phase_and_a_merge_order_that_is_no_dependency() {
    let plan = read(
        "# Search\n\
         \n\
         ## Phase 0 — Foundation (sequential, do first)\n\
         **Owner:** lead\n\
         - [ ] Freeze the type in `crates/search/src/query.rs`\n\
         \n\
         ## Phase 1 — three agents at once\n\
         \n\
         ### Agent Alpha — Indexer\n\
         - **Worktree:** `../search-alpha` on `search/indexer`\n\
         - **Owns:** `crates/search/src/index/**`\n\
         - **Blocked by:** Phase 0\n\
         - **Estimate:** 4 hours\n\
         \n\
         ### Agent Beta — Parser\n\
         - **Owns:** `crates/search/src/parse.rs`\n\
         - **Blocked by:** Agent Alpha\n\
         \n\
         ## Merge order\n\
         \n\
         Beta, then Alpha.\n",
    );
    assert_eq!(
        names(&plan),
        [
            "Phase 0 — Foundation",
            "Agent Alpha — Indexer",
            "Agent Beta — Parser"
        ]
    );
    let phase = item(&plan, "Phase 0 — Foundation");
    assert!(!phase.parallel);
    assert_eq!(phase.files, ["crates/search/src/query.rs"]);
    assert_eq!(phase.agent.as_deref(), Some("lead"));
    let alpha = item(&plan, "Agent Alpha — Indexer");
    assert_eq!(
        alpha.files,
        ["crates/search/src/index/**"],
        "worktrees are no files"
    );
    assert_eq!(alpha.depends_on, ["Phase 0 — Foundation"]);
    assert_eq!(alpha.agent.as_deref(), Some("Agent Alpha"));
    let beta = item(&plan, "Agent Beta — Parser");
    assert_eq!(
        beta.depends_on,
        ["Agent Alpha — Indexer"],
        "the merge order adds nothing"
    );
}

#[test]
fn an_assignment_table_and_a_done_when_list_that_is_no_item() {
    let plan = read(
        "# Billing\n\
         \n\
         | # | Agent | Work | Owns (files) | Needs | Effort |\n\
         |---|-------|------|--------------|-------|--------|\n\
         | A | claude-1 | Invoice model | `billing/models.py` | — | 1 day |\n\
         | B | claude-2 | Webhooks | `billing/webhooks.py` | A | 2–3h |\n\
         \n\
         ## Done when\n\
         - [ ] migrations apply on `billing/migrations/`\n",
    );
    assert_eq!(names(&plan), ["A: Invoice model", "B: Webhooks"]);
    let a = item(&plan, "A: Invoice model");
    assert_eq!(a.estimate_hours, None);
    assert_eq!(a.estimate_text.as_deref(), Some("1 day"));
    assert_eq!(a.agent.as_deref(), Some("claude-1"));
    let b = item(&plan, "B: Webhooks");
    assert_eq!(b.depends_on, ["A: Invoice model"]);
    assert_eq!(b.estimate_hours, Some(2.5));
    assert!(plan.items.iter().all(|i| i.subtasks.is_empty()));
    assert!(
        plan.items
            .iter()
            .all(|i| !i.files.contains(&"billing/migrations/".to_owned()))
    );
}

#[test]
fn files_only_read_are_not_files_of_the_item() {
    let plan = read(
        "## Track 1: Login\n\
         **Files to read**\n\
         - `src/auth/session.ts`\n\
         \n\
         **Steps**:\n\
         - [ ] Read `src/auth/config.ts`\n\
         - [ ] Update `src/auth/login.ts`\n\
         \n\
         **Files to modify**:\n\
         - `src/auth/login.ts`\n",
    );
    let track = item(&plan, "Track 1: Login");
    assert_eq!(track.files, ["src/auth/login.ts"]);
    assert_eq!(
        track.subtasks,
        ["Read `src/auth/config.ts`", "Update `src/auth/login.ts`"]
    );
}

#[test]
fn tree_listings_are_rebuilt_and_shell_commands_and_routes_are_no_files() {
    let plan = read(
        "## Track 2: Monitoring\n\
         \n\
         ### Files Changed\n\
         \n\
         ```\n\
         monitoring/\n\
         ├── prometheus.yml (NEW)\n\
         └── grafana/ (NEW)\n\
         ```\n\
         \n\
         ```bash\n\
         git checkout -b feature/monitoring src/other.rs\n\
         ```\n\
         \n\
         - [ ] Add `GET /health` to the agents\n\
         \n\
         ### Duration: 1.5-2 hours\n",
    );
    let track = item(&plan, "Track 2: Monitoring");
    assert_eq!(
        track.files,
        [
            "monitoring/",
            "monitoring/prometheus.yml",
            "monitoring/grafana/"
        ]
    );
    assert_eq!(track.estimate_hours, Some(1.75));
}

#[test]
fn restating_sections_add_no_items_and_ownership_lines_add_files() {
    let plan = read(
        "# Plan\n\
         \n\
         ## Track 1: Tests (ACTIVE)\n\
         - [ ] Write tests\n\
         \n\
         ## Coordination\n\
         - Track 1: `python/tests/integration/*`\n\
         \n\
         ## Progress Tracking\n\
         \n\
         ### Track 1: Tests\n\
         **Blockers:** none\n\
         \n\
         ### Track 9: Ghost\n",
    );
    assert_eq!(names(&plan), ["Track 1: Tests"]);
    assert_eq!(plan.items[0].files, ["python/tests/integration/*"]);
}

#[test]
fn warnings_name_unknown_dependencies_cycles_and_items_without_files_by_line() {
    let plan = read(
        "## Task 1: One\n\
         Depends on: Task 2\n\
         Files: `a.rs`\n\
         \n\
         ## Task 2: Two\n\
         Depends on: Task 1, Task 7\n",
    );
    let kinds: Vec<(usize, &WarningKind)> =
        plan.warnings.iter().map(|w| (w.line, &w.kind)).collect();
    assert_eq!(
        kinds,
        [
            (
                1,
                &WarningKind::Cycle {
                    items: vec!["Task 1: One".into(), "Task 2: Two".into()]
                }
            ),
            (
                5,
                &WarningKind::NoFiles {
                    item: "Task 2: Two".into()
                }
            ),
            (
                6,
                &WarningKind::UnknownDependency {
                    item: "Task 2: Two".into(),
                    named: "Task 7".into()
                }
            ),
        ]
    );
}

#[test]
fn all_previous_tasks_and_ranges_of_agents() {
    let plan = read(
        "| Agent | Task | Files | Dependencies |\n\
         |---|---|---|---|\n\
         | Agent 1 | Core | `core/` | None |\n\
         | Agent 2 | Config | `config/` | Uses Agent 1's interface |\n\
         | Agent 3 | CLI | `cli/` | Uses Agents 1-2 |\n\
         \n\
         ## Task 4: Release\n\
         **Dependencies**: All previous tasks\n",
    );
    assert_eq!(
        item(&plan, "Agent 3: CLI").depends_on,
        ["Agent 1: Core", "Agent 2: Config"]
    );
    assert_eq!(item(&plan, "Task 4: Release").depends_on.len(), 3);
}

#[test]
fn mis_encoded_plans_read_like_the_original() {
    let plan =
        read("## ğŸ¯ Track 1: Testing & Integration (ACTIVE)\n\n```\nsrc/\nâ”œâ”€â”€ a.py\n```\n");
    assert_eq!(names(&plan), ["Track 1: Testing & Integration"]);
    assert_eq!(plan.items[0].files, ["src/", "src/a.py"]);
}

#[test]
fn a_plan_of_phases_only_makes_each_phase_an_item() {
    let plan = read(
        "## Phase 1: Setup\n- [ ] Create `package.json`\n\n## Phase 2: Build\n- [ ] Write `src/main.ts`\n",
    );
    assert_eq!(names(&plan), ["Phase 1: Setup", "Phase 2: Build"]);
    assert!(plan.items.iter().all(|i| i.parallel));
}

#[test]
fn a_time_in_the_heading_is_the_estimate_and_not_part_of_the_name() {
    let plan =
        read("## 🎯 Track 1: Parser (2h)\nFiles: `src/parse.rs`\n\n## Task 1.2: Setup (30 min)\n");
    assert_eq!(names(&plan), ["Track 1: Parser", "Task 1.2: Setup"]);
    assert_eq!(plan.items[0].estimate_hours, Some(2.0));
    assert_eq!(plan.items[1].estimate_hours, Some(0.5));
}
