//! A load generator for `authsel serve` (docs/performance.md): C clients, each on one kept-alive
//! HTTP/1.1 connection, POST the example proposals to `/api/eval` (or `--path`, such as
//! `/api/eval?detail=brief`, the page's lean answer) round-robin until N requests are done;
//! prints p50, p99 and max latency, requests per second, and (with `--pid`) the server's resident
//! memory after every tenth of the run, to show it stays flat. `--think MS`: each client waits
//! about that long after each answer before its next request (a planner's pace: 50 % to 150 % of
//! it, the clients starting at staggered offsets, so they do not fire in step), instead of
//! sending at once (closed loop, the worst case).
//!
//! ```console
//! cargo build --release --example load
//! target/release/authsel serve --addr 127.0.0.1:8080 &
//! target/release/examples/load --addr 127.0.0.1:8080 --clients 64 --requests 100000 --pid $! examples/*.ron
//! target/release/examples/load --path '/api/eval?detail=brief' --think 250 --requests 20000 examples/*.ron
//! ```

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

struct Args {
    addr: String,
    clients: usize,
    requests: usize,
    pid: Option<u32>,
    path: String,
    think: Duration,
    files: Vec<String>,
}

fn args() -> Args {
    let mut a = Args {
        addr: "127.0.0.1:8080".into(),
        clients: 64,
        requests: 100_000,
        pid: None,
        path: "/api/eval".into(),
        think: Duration::ZERO,
        files: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(x) = it.next() {
        match x.as_str() {
            "--addr" => a.addr = it.next().unwrap_or_default(),
            "--clients" => a.clients = it.next().and_then(|n| n.parse().ok()).unwrap_or(64),
            "--requests" => a.requests = it.next().and_then(|n| n.parse().ok()).unwrap_or(100_000),
            "--pid" => a.pid = it.next().and_then(|n| n.parse().ok()),
            "--path" => a.path = it.next().unwrap_or_default(),
            "--think" => {
                a.think = Duration::from_millis(it.next().and_then(|n| n.parse().ok()).unwrap_or(0))
            }
            _ => a.files.push(x),
        }
    }
    if a.files.is_empty() {
        eprintln!("usage: load [--addr A] [--clients C] [--requests N] [--pid PID] [--path P] [--think MS] FILE.ron...");
        std::process::exit(2);
    }
    a
}

/// One request on a kept-alive connection; returns the status.
fn post(
    conn: &mut TcpStream,
    addr: &str,
    path: &str,
    body: &str,
    buf: &mut Vec<u8>,
) -> std::io::Result<u16> {
    write!(
        conn,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )?;
    buf.clear();
    let mut chunk = [0u8; 64 * 1024];
    loop {
        let n = conn.read(&mut chunk)?;
        if n == 0 {
            return Err(std::io::Error::other("closed"));
        }
        buf.extend_from_slice(&chunk[..n]);
        let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
        let len: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        if buf.len() >= end + 4 + len {
            let status = head.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
            return Ok(status);
        }
    }
}

fn rss_kib(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn main() {
    let a = args();
    let bodies: Vec<String> = a
        .files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{f}: {e}"));
            format!(
                "{{\"ron\":{}}}",
                serde_json::to_string(&text).unwrap_or_default()
            )
        })
        .collect();
    let next = AtomicUsize::new(0);
    let failures = AtomicUsize::new(0);
    let latencies = Mutex::new(Vec::with_capacity(a.requests));
    let rss = Mutex::new(Vec::new());
    let started = Instant::now();
    std::thread::scope(|s| {
        for client in 0..a.clients {
            let (a, next, failures, latencies, rss) = (&a, &next, &failures, &latencies, &rss);
            let bodies = &bodies;
            s.spawn(move || {
                // Planners are not in step: with `--think`, each client starts at its own offset
                // within one think time and waits 50 % to 150 % of it after each answer.
                let mut seed = 0x9e37_79b9_7f4a_7c15_u64 ^ (client as u64 + 1);
                let mut jitter = move || {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    0.5 + (seed % 1000) as f64 / 1000.0
                };
                if !a.think.is_zero() {
                    std::thread::sleep(a.think.mul_f64(client as f64 / a.clients as f64));
                }
                let mut conn = TcpStream::connect(&a.addr).expect("connect");
                conn.set_nodelay(true).ok();
                let mut mine = Vec::new();
                let mut buf = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= a.requests {
                        break;
                    }
                    if let (Some(pid), true) = (a.pid, i % (a.requests / 10).max(1) == 0) {
                        rss.lock().unwrap().push((i, rss_kib(pid)));
                    }
                    let body = &bodies[i % bodies.len()];
                    let t = Instant::now();
                    match post(&mut conn, &a.addr, &a.path, body, &mut buf) {
                        Ok(200) => mine.push(t.elapsed()),
                        _ => {
                            failures.fetch_add(1, Ordering::Relaxed);
                            conn = TcpStream::connect(&a.addr).expect("reconnect");
                        }
                    }
                    if !a.think.is_zero() {
                        std::thread::sleep(a.think.mul_f64(jitter()));
                    }
                }
                latencies.lock().unwrap().extend(mine);
            });
        }
    });
    let elapsed = started.elapsed();
    let mut l = latencies.into_inner().unwrap();
    l.sort();
    let at = |q: f64| {
        l.get(((l.len() as f64 * q) as usize).min(l.len().saturating_sub(1)))
            .copied()
            .unwrap_or(Duration::ZERO)
    };
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{} {} requests, {} clients (think {} ms), {} files: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms, {:.0} req/s, {} failed",
        a.path,
        l.len(),
        a.clients,
        a.think.as_millis(),
        bodies.len(),
        ms(at(0.50)),
        ms(at(0.99)),
        ms(l.last().copied().unwrap_or_default()),
        l.len() as f64 / elapsed.as_secs_f64(),
        failures.load(Ordering::Relaxed)
    );
    if let Some(pid) = a.pid {
        let mut r = rss.into_inner().unwrap();
        r.sort();
        r.push((a.requests, rss_kib(pid)));
        let list: Vec<String> = r
            .iter()
            .map(|(i, k)| {
                format!(
                    "{i}: {} MiB",
                    k.map_or("?".into(), |k| format!("{:.1}", k as f64 / 1024.0))
                )
            })
            .collect();
        println!("server RSS after n requests: {}", list.join(", "));
    }
}
