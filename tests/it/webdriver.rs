//! A small W3C WebDriver client driving Debian's headless Chromium through chromedriver (on a
//! port it picks and prints). A test that fails leaves a screenshot of the page it was on in
//! `target/test-screenshots/` and says where.

use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

pub struct Browser {
    driver: Child,
    base: String,
    http: reqwest::blocking::Client,
    name: String,
}

fn find_program(names: &[&str]) -> Option<String> {
    names.iter().find_map(|n| {
        ["/usr/bin", "/usr/local/bin", "/usr/lib/chromium"]
            .iter()
            .map(|d| format!("{d}/{n}"))
            .find(|p| std::path::Path::new(p).exists())
    })
}

impl Browser {
    /// A new headless browser session; `name` names its screenshots.
    pub fn start(name: &str) -> Browser {
        let driver = find_program(&["chromedriver"]).expect(
            "chromedriver is not installed: run tests/run (it installs chromium and chromium-driver) or apt-get install -y chromium chromium-driver",
        );
        let chromium = find_program(&["chromium", "chromium-browser"])
            .expect("chromium is not installed: apt-get install -y chromium chromium-driver");
        let mut child = Command::new(driver)
            .arg("--port=0")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        // "ChromeDriver was started successfully on port N."
        let out = child.stdout.take().unwrap();
        let mut port = None;
        for line in std::io::BufReader::new(out).lines() {
            let line = line.unwrap_or_default();
            if let Some(rest) = line.split("started successfully on port ").nth(1) {
                port = rest.trim_end_matches('.').trim().parse::<u16>().ok();
                break;
            }
        }
        let port = port.expect("chromedriver did not say its port");
        let http = reqwest::blocking::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "acceptInsecureCerts": true,
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=1280,1100", "--no-proxy-server", "--no-first-run"]
            }
        }}});
        let r: Value = http
            .post(format!("{base}/session"))
            .json(&caps)
            .send()
            .expect("chromedriver answers")
            .json()
            .unwrap();
        let session = r["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no browser session: {r}"))
            .to_owned();
        Browser {
            driver: child,
            base: format!("{base}/session/{session}"),
            http,
            name: name.to_owned(),
        }
    }

    fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let v: Value = req.send().unwrap().json().unwrap();
        if v["value"]["error"].is_string() {
            panic!("WebDriver {path}: {}", v["value"]);
        }
        v["value"].clone()
    }

    pub fn goto(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", Some(json!({"url": url})));
    }

    pub fn url(&self) -> String {
        self.call(reqwest::Method::GET, "/url", None)
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// The element `css` selects, waiting (bounded) for it to appear.
    pub fn find(&self, css: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let v: Value = self
                .http
                .post(format!("{}/element", self.base))
                .json(&json!({"using": "css selector", "value": css}))
                .send()
                .unwrap()
                .json()
                .unwrap();
            if let Some(id) = v["value"][ELEMENT].as_str() {
                return id.to_owned();
            }
            assert!(
                Instant::now() < deadline,
                "no element {css} on {}: {v}",
                self.url()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Whether `css` selects anything now.
    pub fn has(&self, css: &str) -> bool {
        let v: Value = self
            .http
            .post(format!("{}/elements", self.base))
            .json(&json!({"using": "css selector", "value": css}))
            .send()
            .unwrap()
            .json()
            .unwrap();
        v["value"].as_array().is_some_and(|a| !a.is_empty())
    }

    pub fn click(&self, css: &str) {
        let id = self.find(css);
        self.call(
            reqwest::Method::POST,
            &format!("/element/{id}/click"),
            Some(json!({})),
        );
    }

    /// Replace the text of an input.
    pub fn fill(&self, css: &str, text: &str) {
        let id = self.find(css);
        self.call(
            reqwest::Method::POST,
            &format!("/element/{id}/clear"),
            Some(json!({})),
        );
        self.call(
            reqwest::Method::POST,
            &format!("/element/{id}/value"),
            Some(json!({ "text": text })),
        );
    }

    pub fn text(&self, css: &str) -> String {
        let id = self.find(css);
        self.call(reqwest::Method::GET, &format!("/element/{id}/text"), None)
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Wait (bounded) until the page's URL starts with `prefix`.
    pub fn wait_for_url(&self, prefix: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !self.url().starts_with(prefix) {
            assert!(
                Instant::now() < deadline,
                "the browser is at {}, not {prefix}",
                self.url()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Resize the window (headless: the page's viewport is this size).
    pub fn resize(&self, width: u32, height: u32) {
        self.call(
            reqwest::Method::POST,
            "/window/rect",
            Some(json!({"width": width, "height": height})),
        );
    }

    /// The value of `script` run by the driver (not by the page, whose policy allows none).
    pub fn script(&self, script: &str) -> Value {
        self.call(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
    }

    /// A PNG of the page, saved in `target/test-screenshots/NAME.png`; its path. Never
    /// panics (it runs while a failed test unwinds).
    pub fn screenshot(&self, name: &str) -> Option<std::path::PathBuf> {
        use base64::Engine;
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-screenshots");
        std::fs::create_dir_all(&dir).ok()?;
        let path = dir.join(format!("{name}.png"));
        let v: Value = self
            .http
            .get(format!("{}/screenshot", self.base))
            .send()
            .ok()?
            .json()
            .ok()?;
        let png = base64::engine::general_purpose::STANDARD
            .decode(v["value"].as_str()?)
            .ok()?;
        std::fs::write(&path, png).ok()?;
        Some(path)
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if std::thread::panicking() {
            match self.screenshot(&format!("{}-failed", self.name)) {
                Some(path) => {
                    eprintln!("screenshot of the page at the failure: {}", path.display())
                }
                None => eprintln!("no screenshot could be taken of the page at the failure"),
            }
        }
        let _ = self.http.delete(&self.base).send();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
