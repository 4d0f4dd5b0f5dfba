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
    ┌─ 2 Queues 3 titles, 5 queued ────────┐┌─ 3 Activity ─────────────────────────┐
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
    ┌─ 1 Products 7 ───────────────────────────────────────────────────────┐┌─ 2 Queues 3 titles, 5 queued ────────────────┐
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

     ↑↓  move  Tab  pane  Space  toggle  /  filter  p  pause  r  resend  ?  help  q  quit  Enter  detail  c  customer
    """
}

extension Golden {
    static let product80x24 = """
     booking-monitor │ group east │ link: ok → http://127.0.0.1:5012
     outbox 2 pending (oldest 0s), 0 parked │ last push 0s ago (#1): 5 in 3 queues
    ┌─ Product 1 «Война и мир. Том 1» ─────────────────────────────────────────────┐
    │  id           1                                                              │
    │  title        «Война и мир. Том 1»                                           │
    │  description  Роман-эпопея                                                   │
    │  status       B booked                                                       │
    │  booked       for customer 3 at 01-02 10:20:30                               │
    │  event        #2 pending, 1 attempt, last at 10:20:30                        │
    │  last answer  500: no order for customer 3                                   │
    │  queued       1 customer for its title                                       │
    │  why          Product 1 «Война и мир. Том 1» is booked by customer 3 since   │
    │               2026-01-02T10:20:30Z; its event is not delivered yet (1        │
    │               attempt).                                                      │
    │                                                                              │
    │  History, newest first (3 entries)                                           │
    │    01-02 10:20:30 attempt    attempt 1 failed: customer 3 «Война и мир. Том …│
    │    01-02 10:20:30 booking    product 1 → customer 3 «Война и мир. Том 1»     │
    │    01-02 10:20:30 product    api: product 1 available                        │
    │                                                                              │
    │                                                                              │
    └────────────────────────────────────────────────────────── 1–16/16  Esc back ─┘

     Esc  back  ↑↓  scroll  PgDn  page  c  customer id  ?  help  q  quit
    """

    static let queue80x24 = """
     booking-monitor │ group east │ link: connecting → http://127.0.0.1:5012
     outbox 1 pending (oldest 0s), 0 parked │ last push 0s ago (#1): 30 in 1 queue
    ┌─ Queue «Мастер и Маргарита»: 30 customers, push #1 ──────────────────────────┐
    │▶ 1   customer 100  booked                    Customer 100 has product 3 «Мас…│
    │  2   customer 101  no-copy-available         Every copy of «Мастер и Маргари…│
    │  3   customer 102  no-copy-available         Every copy of «Мастер и Маргари…│
    │  4   customer 103  no-copy-available         Every copy of «Мастер и Маргари…│
    │  5   customer 104  no-copy-available         Every copy of «Мастер и Маргари…│
    │  6   customer 105  no-copy-available         Every copy of «Мастер и Маргари…│
    │  7   customer 106  no-copy-available         Every copy of «Мастер и Маргари…│
    │  8   customer 107  no-copy-available         Every copy of «Мастер и Маргари…│
    │  9   customer 108  no-copy-available         Every copy of «Мастер и Маргари…│
    │  10  customer 109  no-copy-available         Every copy of «Мастер и Маргари…│
    │  11  customer 110  no-copy-available         Every copy of «Мастер и Маргари…│
    │  12  customer 111  no-copy-available         Every copy of «Мастер и Маргари…│
    │  13  customer 112  no-copy-available         Every copy of «Мастер и Маргари…│
    │  14  customer 113  no-copy-available         Every copy of «Мастер и Маргари…│
    │  15  customer 114  no-copy-available         Every copy of «Мастер и Маргари…│
    │  16  customer 115  no-copy-available         Every copy of «Мастер и Маргари…│
    │  17  customer 116  no-copy-available         Every copy of «Мастер и Маргари…│
    │  18  customer 117  no-copy-available         Every copy of «Мастер и Маргари…│
    └────────────────────────────────────────────────────────── 1–18/30  Esc back ─┘

     Esc  back  ↑↓  scroll  PgDn  page  Enter  customer  c  customer id  ?  help
    """

    static let customer120x30 = """
     booking-monitor │ group east │ link: ok → http://127.0.0.1:5012 │ totals 2 booked, 0 delivered, 2 pushes
     outbox 2 pending (oldest 0s), 0 parked │ last push 0s ago (#2): 4 in 2 queues │ last hour            █ 2 booked
    ┌─ Customer 7 ─────────────────────────────────────────────────────────────────────────────────────────────────────────┐
    │  Queues of push #2                                                                                                   │
    │    «Мастер и Маргарита»  1 of 2                                                                                      │
    │    «Война и мир. Том 1»  2 of 2                                                                                      │
    │                                                                                                                      │
    │  Has                                                                                                                 │
    │    product 3 «Мастер и Маргарита» booked at 01-02 10:20:30                                                           │
    │                                                                                                                      │
    │  Pending events                                                                                                      │
    │    #1 product 3 «Мастер и Маргарита» pending, 0 attempts                                                             │
    │                                                                                                                      │
    │  Why, per title                                                                                                      │
    │    «Мастер и Маргарита»  booked                                                                                      │
    │      Customer 7 has product 3 «Мастер и Маргарита», booked at 2026-01-02T10:20:30Z; its event is waiting to be sent. │
    │    «Война и мир. Том 1»  no-copy-available                                                                           │
    │      Every copy of «Война и мир. Том 1» here (2 products) is unavailable or booked; customer 7 is number 2 in its    │
    │      queue, behind the 0 customers ahead who come first.                                                             │
    │                                                                                                                      │
    │  History, newest first (1 entry)                                                                                     │
    │    01-02 10:20:30 booking    product 3 → customer 7 «Мастер и Маргарита»                                             │
    │                                                                                                                      │
    │                                                                                                                      │
    │                                                                                                                      │
    │                                                                                                                      │
    │                                                                                                                      │
    └────────────────────────────────────────────────────────────────────────────────────────────────── 1–19/19  Esc back ─┘

     Esc  back  ↑↓  scroll  PgDn  page  c  customer id  ?  help  q  quit
    """
}
