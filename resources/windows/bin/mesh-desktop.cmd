@echo off
rem MESH Desktop command line: mesh-desktop COMMAND [options]   (mesh-desktop --help lists the commands)
rem Starts the app with the command, waits for it, and returns its exit code. See docs\deploying.md.
setlocal DisableDelayedExpansion
"%~dp0..\mesh-desktop.exe" "--js-flags=--initial-heap-size=64 --max-semi-space-size=2" %*
exit /b %ERRORLEVEL%
