/// Expected screens for the snapshot tests, reviewed by eye: change them only together with a
/// deliberate change of the layout.
enum Golden {
    static let dashboard80x24 = """
     booking-monitor │ group east │ link: ok → http://127.0.0.1:5012
     outbox 2 pending (oldest 0s), 0 parked │ last push 0s ago (#1): 5 in 3 queues
    ┌─ 1 Products 7 ───────────────────────────────────────────────────────────────┐
    │  ID S Title                         Description         Customer Booked     Q│
    │▶  1 B Война и мир. Том 1            Роман-эпопея        → 3      10:20:30   1│
    │   2 U Война и мир. Том 1            Роман-эпопея                            1│
    │   3 B Мастер и Маргарита            Роман               → 7      10:20:30   2│
    │   4 U Мастер и Маргарита            Роман                                   2│
    │   5 A Евгений Онегин                Роман в стихах                           │
    │   6 U 三体                          科幻小说                                 │
    │   7 U Anna Karenina                 Novel                                    │
    │                                                                              │
    └──────────────────────────────────────────────────────────────────────── 1/7 ─┘
    ┌─ 2 Queues 3 titles, 5 customers ─────┐┌─ 3 Activity ─────────────────────────┐
    │  Мастер и Марга… 2: 7 12             ││  10:20:30 K api: product 5 available │
    │  Война и мир. Т… 1: 3                ││  10:20:30 B product 1 → customer 3 «…│
    │  Идиот           2: 21 22            ││  10:20:30 K api: product 1 available │
    │                                      ││  10:20:30 B product 3 → customer 7 «…│
    │                                      ││  10:20:30 K api: product 3 available │
    │                                      ││  10:20:30 Q queue push #1: 3 titles,…│
    │                                      ││                                      │
    └──────────────────────────────── 1/3 ─┘└──────────────────────────────── 1/6 ─┘

     ↑↓  move  Tab  pane  Space  toggle  /  filter  p  pause  r  resend  ?  help
    """

    static let dashboard120x40 = """
     booking-monitor │ group east │ link: ok → http://127.0.0.1:5012 │ http 127.0.0.1:5039 │ store in-memory
     outbox 2 pending (oldest 0s), 0 parked │ last push 0s ago (#1): 5 in 3 queues │ totals 2 booked, 0 delivered, 1 push
    ┌─ 1 Products 7 ───────────────────────────────────────────────────────┐┌─ 2 Queues 3 titles, 5 customers ─────────────┐
    │  ID S Title                    Description      Customer Booked     Q││  Мастер и Маргарита 2: 7 12                  │
    │▶  1 B Война и мир. Том 1       Роман-эпопея     → 3      10:20:30   1││  Война и мир. Том 1 1: 3                     │
    │   2 U Война и мир. Том 1       Роман-эпопея                         1││  Идиот              2: 21 22                 │
    │   3 B Мастер и Маргарита       Роман            → 7      10:20:30   2││                                              │
    │   4 U Мастер и Маргарита       Роман                                2││                                              │
    │   5 A Евгений Онегин           Роман в стихах                        ││                                              │
    │   6 U 三体                     科幻小说                              ││                                              │
    │   7 U Anna Karenina            Novel                                 ││                                              │
    │                                                                      ││                                              │
    │                                                                      ││                                              │
    │                                                                      ││                                              │
    │                                                                      ││                                              │
    │                                                                      ││                                              │
    │                                                                      ││                                              │
    │                                                                      ││                                              │
    │                                                                      ││                                              │
    │                                                                      │└──────────────────────────────────────── 1/3 ─┘
    │                                                                      │┌─ 3 Activity ─────────────────────────────────┐
    │                                                                      ││  10:20:30 K api: product 5 available         │
    │                                                                      ││  10:20:30 B product 1 → customer 3 «Война и …│
    │                                                                      ││  10:20:30 K api: product 1 available         │
    │                                                                      ││  10:20:30 B product 3 → customer 7 «Мастер и…│
    │                                                                      ││  10:20:30 K api: product 3 available         │
    │                                                                      ││  10:20:30 Q queue push #1: 3 titles, 5 custo…│
    │                                                                      ││                                              │
    │                                                                      ││                                              │
    │                                                                      ││                                              │
    │                                                                      ││                                              │
    │                                                                      ││                                              │
    │                                                                      ││                                              │
    │                                                                      ││                                              │
    │                                                                      ││                                              │
    │                                                                      ││                                              │
    │                                                                      ││                                              │
    └──────────────────────────────────────────────────────────────── 1/7 ─┘└──────────────────────────────────────── 1/6 ─┘

     ↑↓  move  Tab  pane  Space  toggle  /  filter  p  pause  r  resend  ?  help  q  quit
    """
}
