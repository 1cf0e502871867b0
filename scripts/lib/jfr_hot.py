"""Summarises a JFR recording's execution samples: by thread, by package (a sample counts once
for each package on its stack) and by the method on top. Usage: jfr_hot.py RECORDING.jfr [TOP]"""
import collections
import json
import subprocess
import sys

PACKAGES = [
    "software.amazon.awssdk.http.apache", "software.amazon.awssdk.http.auth", "software.amazon.awssdk.protocols",
    "software.amazon.awssdk.services", "software.amazon.awssdk.core", "software.amazon.awssdk.awscore",
    "software.amazon.awssdk", "org.apache.http", "org.apache.catalina", "org.apache.coyote",
    "org.apache.tomcat.util.http.fileupload", "org.apache.tomcat", "org.springframework.security",
    "org.springframework.web", "org.springframework.boot", "org.springframework", "io.micrometer",
    "com.fasterxml.jackson", "ch.qos.logback", "org.slf4j", "ai.djl", "eic.", "org.elasticmq", "org.apache.pekko",
    "scala.", "org.gaul.s3proxy", "org.jclouds", "org.eclipse.jetty", "com.google", "java.util.concurrent",
    "java.util.regex", "java.net", "sun.nio", "java.nio", "java.io", "sun.security", "com.sun.crypto", "javax.crypto",
    "java.security", "java.util.zip", "java.lang.invoke", "java.lang.reflect", "jdk.internal.reflect",
]


def main():
    recording, top = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 20
    printed = subprocess.run(["jfr", "print", "--json", "--events", "jdk.ExecutionSample", recording],
                             check=True, capture_output=True, text=True).stdout
    events = json.loads(printed)["recording"]["events"]
    total = len(events) or 1
    threads, packages, methods = collections.Counter(), collections.Counter(), collections.Counter()
    for event in events:
        values = event["values"]
        threads[(values.get("sampledThread") or {}).get("javaName") or "?"] += 1
        frames = [f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"]
                  for f in ((values.get("stackTrace") or {}).get("frames") or [])]
        if frames:
            methods[frames[0]] += 1
        seen = set()
        for frame in frames:
            for package in PACKAGES:
                if frame.startswith(package) and package not in seen:
                    seen.add(package)
                    packages[package] += 1
    print(f"{len(events)} execution samples")
    for title, counter in (("threads", threads), ("packages on the stack", packages), ("top of the stack", methods)):
        print(title + ":")
        for name, n in counter.most_common(top):
            print(f"  {100 * n / total:5.1f} %  {name}")


if __name__ == "__main__":
    main()
