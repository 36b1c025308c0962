// Preloaded (`node --import`) into the servers tests start, so that a test
// runner killed outright (SIGKILL, a CI timeout) does not leave them running:
// once the parent is gone the child is re-parented, its ppid changes, and it
// ends itself. The check runs once a second and never keeps the process up.

const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
}, 1000).unref();
