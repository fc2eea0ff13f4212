// PM2 layout (the one Colyseus' own hosting uses): N copies of `node src/index.ts` in fork mode
// (usually one per CPU core), each on its own port. PM2 gives each copy NODE_APP_INSTANCE (0..N-1); the server offsets
// PORT and ADMIN_PORT by it and fills PUBLIC_ADDRESS's {instance}/{index} from it (src/config.ts).
// With the defaults: instance 0 on 2567 advertises games.example.com/p1, instance 1 on 2568
// advertises games.example.com/p2: exactly what deploy/nginx/gameserver.conf routes (/p1/, /p2/).
//
//   pm2 start ecosystem.config.cjs            # GAME_INSTANCES=4 REDIS_URL=... to change the defaults
//   pm2 stop gameserver                       # every instance drains (up to DRAIN_TIMEOUT_S), exits 0
//
// Every value below comes from the environment of the `pm2 start` command, with the default shown.
// Cluster mode is not an option: each process must own its port (see docs/deploy.md, PM2).

const DEFAULT_INSTANCES = 2; // matches the two /pN/ routes of the committed nginx config
const DEFAULT_DRAIN_TIMEOUT_S = 30; // the server's own default

const env = process.env;

/** A positive integer, or "max" (one per CPU core); anything else stops `pm2 start` with the variable named. */
function instances(raw) {
  if (raw === undefined || raw.trim() === "") return DEFAULT_INSTANCES;
  if (raw.trim() === "max") return "max";
  if (!/^\s*[1-9]\d*\s*$/.test(raw)) throw new Error(`GAME_INSTANCES=${JSON.stringify(raw)} is invalid: expected a positive integer or "max"`);
  return Number(raw);
}

function drainTimeoutS(raw) {
  if (raw === undefined || raw.trim() === "") return DEFAULT_DRAIN_TIMEOUT_S;
  if (!/^\s*\d+\s*$/.test(raw)) throw new Error(`DRAIN_TIMEOUT_S=${JSON.stringify(raw)} is invalid: expected whole seconds`);
  return Number(raw);
}

const drainS = drainTimeoutS(env.DRAIN_TIMEOUT_S);

module.exports = {
  apps: [
    {
      name: "gameserver",
      cwd: __dirname,
      script: "src/index.ts",
      // The `node` on PM2's PATH runs the TypeScript sources directly: it must be Node 24 (the
      // production install has no node_modules/.bin/node). `pm2 jlist` shows each one's node_version.
      interpreter: "node",
      exec_mode: "fork",
      instances: instances(env.GAME_INSTANCES),
      instance_var: "NODE_APP_INSTANCE",
      // `pm2 stop`/`delete`/`reload` send SIGINT (PM2 7 has no per-app signal; PM2_KILL_SIGNAL in the
      // daemon's environment changes it for every app): the server drains on SIGINT as on SIGTERM.
      // PM2 SIGKILLs a process still running after kill_timeout: leave the drain its whole time, plus
      // room for closing sockets and leaving Redis.
      kill_timeout: (drainS + 15) * 1000,
      // A process that crashes comes back, with a growing delay if it keeps crashing (Redis down, say).
      autorestart: true,
      exp_backoff_restart_delay: 100,
      // One out and one error file for all instances: every log line is JSON carrying its pid.
      // No `time` prefix, so each line stays parseable JSON.
      merge_logs: true,
      env: {
        NODE_ENV: env.NODE_ENV ?? "production",
        // Instance i listens on PORT + i, and its loopback admin listener on ADMIN_PORT + i
        // (ADMIN_PORT unset: PORT + 100 + i). Like any variable of the `pm2 start` environment,
        // an ADMIN_PORT set there reaches the processes as is.
        PORT: env.PORT ?? "2567",
        // nginx on this host fronts the processes: keep their ports off the network.
        HOST: env.HOST ?? "127.0.0.1",
        TRUSTED_PROXIES: env.TRUSTED_PROXIES ?? "127.0.0.1",
        PUBLIC_ADDRESS: env.PUBLIC_ADDRESS ?? "games.example.com/p{index}",
        // Shared by every instance (and every machine of the fleet): rooms and players across processes.
        REDIS_URL: env.REDIS_URL ?? "redis://127.0.0.1:6379",
        DRAIN_TIMEOUT_S: String(drainS),
      },
    },
  ],
};
