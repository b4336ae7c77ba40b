#!/usr/bin/env node
import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 636:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const stats = __nccwpck_require__(931)

/**
 * Get pid informations.
 * @public
 * @param  {Number|Number[]|String|String[]} pids A pid or a list of pids.
 * @param  {Object} [options={}] Options object
 * @param  {Function} [callback=undefined] Called when the statistics are ready.
 * If not provided a promise is returned instead.
 * @returns  {Promise.<Object>} Only when the callback is not provided.
 */
function pidusage (pids, options, callback) {
  if (typeof options === 'function') {
    callback = options
    options = {}
  }

  if (options === undefined) {
    options = {}
  }

  options = Object.assign({
    usePs: /^true$/i.test(process.env.PIDUSAGE_USE_PS),
    maxage: process.env.PIDUSAGE_MAXAGE
  }, options)

  if (typeof callback === 'function') {
    stats(pids, options, callback)
    return
  }

  return new Promise(function (resolve, reject) {
    stats(pids, options, function (err, data) {
      if (err) return reject(err)
      resolve(data)
    })
  })
}

module.exports = pidusage
module.exports.clear = __nccwpck_require__(244).clear


/***/ }),

/***/ 353:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const spawn = (__nccwpck_require__(317).spawn)

/**
  * Spawn a binary and read its stdout.
  * @param  {String} cmd
  * @param  {String[]} args
  * @param  {Function} done(err, stdout)
  */
function run (cmd, args, options, done) {
  if (typeof options === 'function') {
    done = options
    options = undefined
  }

  let executed = false
  const ch = spawn(cmd, args, options)
  let stdout = ''
  let stderr = ''

  ch.stdout.on('data', function (d) {
    stdout += d.toString()
  })

  ch.stderr.on('data', function (d) {
    stderr += d.toString()
  })

  ch.on('error', function (err) {
    if (executed) return
    executed = true
    done(new Error(err))
  })

  ch.on('close', function (code, signal) {
    if (executed) return
    executed = true

    if (stderr) {
      return done(new Error(stderr))
    }

    done(null, stdout, code)
  })
}

module.exports = run


/***/ }),

/***/ 346:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const os = __nccwpck_require__(857)
const bin = __nccwpck_require__(353)
const history = __nccwpck_require__(244)

function parseDate (datestr) {
  const year = datestr.substring(0, 4)
  const month = datestr.substring(4, 6)
  const day = datestr.substring(6, 8)
  const hour = datestr.substring(8, 10)
  const minutes = datestr.substring(10, 12)
  const seconds = datestr.substring(12, 14)
  const useconds = datestr.substring(15, 21)
  const sign = datestr.substring(21, 22)
  const tmz = parseInt(datestr.substring(22, 25), 10)
  const tmzh = Math.floor(tmz / 60)
  const tmzm = tmz % 60

  return new Date(
    year + '-' + month + '-' + day + 'T' + hour +
    ':' + minutes + ':' + seconds +
    '.' + useconds +
    sign + (tmzh > 9 ? tmzh : '0' + tmzh) + '' + (tmzm > 9 ? tmzm : '0' + tmzm)
  )
}

function gwmi (pids, options, done) {
  let whereClause = 'ProcessId=' + pids[0]
  for (let i = 1; i < pids.length; i++) {
    whereClause += ' or ' + 'ProcessId=' + pids[i]
  }

  const property = 'CreationDate,KernelModeTime,ParentProcessId,ProcessId,UserModeTime,WorkingSetSize'
  const command = 'gwmi win32_process -Filter \'' + whereClause + '\' | select ' + property + ' | format-table'

  // Spawn powershell directly instead of through the `shell` option so that
  // `-NoProfile` and `-NonInteractive` can be passed: without them every poll
  // loads the user profile, which runs arbitrary startup code, slows each call
  // down and makes any profile writing to stderr fail the poll (see bin.js).
  bin('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', command], { windowsHide: true }, function (err, stdout, code) {
    if (err) {
      if (err.message.indexOf('No Instance(s) Available.') !== -1) {
        const error = new Error('No matching pid found')
        error.code = 'ENOENT'
        return done(error)
      }
      return done(err)
    }
    if (code !== 0) {
      return done(new Error('pidusage gwmi command exited with code ' + code))
    }
    const date = Date.now()

    // Note: On Windows the returned value includes fractions of a second.
    // Use Math.floor() to get whole seconds.
    // Fallback on current date when uptime is not allowed (see https://github.com/soyuka/pidusage/pull/130)
    const uptime = Math.floor(os.uptime() || (date / 1000))

    // Example of stdout on Windows 10
    // CreationDate: is in the format yyyymmddHHMMSS.mmmmmmsUUU
    // KernelModeTime: is in units of 100 ns
    // UserModeTime: is in units of 100 ns
    // WorkingSetSize: is in bytes
    //
    // Refs: https://superuser.com/a/937401/470946
    // Refs: https://msdn.microsoft.com/en-us/library/aa394372(v=vs.85).aspx
    // NB: The columns are returned in lexicographical order
    //
    // Stdout Format
    //
    // Active code page: 936
    //
    // CreationDate              KernelModeTime ParentProcessId ProcessId UserModeTime WorkingSetSize
    // ------------              -------------- --------------- --------- ------------ --------------
    // 20220220185531.619182+480      981406250           18940      2804    572656250       61841408

    stdout = stdout.split(os.EOL).slice(1)
    const index = stdout.findIndex(v => !!v)
    stdout = stdout.slice(index + 2)

    if (!stdout.length) {
      const error = new Error('No matching pid found')
      error.code = 'ENOENT'
      return done(error)
    }

    let again = false
    const statistics = {}
    for (let i = 0; i < stdout.length; i++) {
      const line = stdout[i].trim().split(/\s+/)

      if (!line || line.length === 1) {
        continue
      }

      const creation = parseDate(line[0])
      const ppid = parseInt(line[2], 10)
      const pid = parseInt(line[3], 10)
      const kerneltime = Math.round(parseInt(line[1], 10) / 10000)
      const usertime = Math.round(parseInt(line[4], 10) / 10000)
      const memory = parseInt(line[5], 10)

      let hst = history.get(pid, options.maxage)
      if (hst === undefined) {
        again = true
        hst = { ctime: kerneltime + usertime, uptime }
      }

      // process usage since last call
      const total = (kerneltime + usertime - hst.ctime) / 1000
      // time elapsed between calls in seconds
      const seconds = uptime - hst.uptime
      const cpu = seconds > 0 ? (total / seconds) * 100 : 0

      history.set(pid, { ctime: usertime + kerneltime, uptime }, options.maxage)

      statistics[pid] = {
        cpu,
        memory,
        ppid,
        pid,
        ctime: usertime + kerneltime,
        elapsed: date - creation.getTime(),
        timestamp: date
      }
    }

    if (again) {
      return gwmi(pids, options, function (err, stats) {
        if (err) return done(err)
        done(null, Object.assign(statistics, stats))
      })
    }
    done(null, statistics)
  })
}

module.exports = gwmi


/***/ }),

/***/ 152:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

const os = __nccwpck_require__(857)
const fs = __nccwpck_require__(896)
const exec = (__nccwpck_require__(317).exec)
const parallel = __nccwpck_require__(708)

/**
 * Gathers Clock, PageSize and system uptime through /proc/uptime
 * This method is mocked in procfile tests
 */
function updateCpu (cpu, next) {
  if (cpu !== null) {
    getRealUptime(function (err, uptime) {
      if (err) return next(err)
      cpu.uptime = uptime
      next(null, cpu)
    })
    return
  }

  parallel([
    getClockAndPageSize,
    getRealUptime
  ], function (err, data) {
    if (err) return next(err)

    cpu = {
      clockTick: data[0].clockTick,
      pageSize: data[0].pageSize,
      uptime: data[1]
    }

    next(null, cpu)
  })
}

module.exports = updateCpu

/**
 * Fallback on os.uptime(), though /proc/uptime is more precise
 */
function getRealUptime (next) {
  fs.readFile('/proc/uptime', 'utf8', function (err, uptime) {
    if (err || uptime === undefined) {
      if (!process.env.PIDUSAGE_SILENT) {
        console.warn("[pidusage] We couldn't find uptime from /proc/uptime, using os.uptime() value")
      }
      return next(null, os.uptime() || (new Date() / 1000))
    }

    return next(null, parseFloat(uptime.split(' ')[0]))
  })
}

function getClockAndPageSize (next) {
  parallel([
    function getClockTick (cb) {
      getconf('CLK_TCK', { default: 100 }, cb)
    },
    function getPageSize (cb) {
      getconf('PAGESIZE', { default: 4096 }, cb)
    }
  ], function (err, data) {
    if (err) return next(err)

    next(null, { clockTick: data[0], pageSize: data[1] })
  })
}

function getconf (keyword, options, next) {
  if (typeof options === 'function') {
    next = options
    options = { default: '' }
  }

  exec('getconf ' + keyword, function (error, stdout, stderr) {
    if (error !== null) {
      if (!process.env.PIDUSAGE_SILENT) {
        console.error('Error while calling "getconf ' + keyword + '"', error)
      }
      return next(null, options.default)
    }

    stdout = parseInt(stdout)

    if (!isNaN(stdout)) {
      return next(null, stdout)
    }

    return next(null, options.default)
  })
}


/***/ }),

/***/ 708:
/***/ ((module) => {

// execute an array of asynchronous functions in parallel
// @param {Array} fns - an array of functions
// @param {Function} done - callback(err, results)
function parallel (fns, options, done) {
  if (typeof options === 'function') {
    done = options
    options = {}
  }

  let keys
  if (!Array.isArray(fns)) { keys = Object.keys(fns) }
  const length = keys ? keys.length : fns.length
  let pending = length
  const results = keys ? {} : []

  function each (i, err, result) {
    results[i] = result

    if (--pending === 0 || (err && !options.graceful)) {
      if (options.graceful && err && length > 1) {
        err = null
      }

      done && done(err, results)
      done = null
    }
  }

  if (keys) {
    keys.forEach(function (key) {
      fns[key](function (err, res) {
        each(key, err, res)
      })
    })
  } else {
    fns.forEach(function (fn, i) {
      fn(function (err, res) {
        each(i, err, res)
      })
    })
  }
}

module.exports = parallel


/***/ }),

/***/ 244:
/***/ ((module) => {


const DEFAULT_MAXAGE = 60000

const expiration = {}
const history = {}
const expireListeners = {}

let size = 0
let interval = null

function get (pid, maxage) {
  if (maxage <= 0) {
    return
  }

  if (history[pid] !== undefined) {
    expiration[pid] = Date.now() + (maxage || DEFAULT_MAXAGE)
  }

  return history[pid]
}

function set (pid, object, maxage, onExpire) {
  if (object === undefined || maxage <= 0) return

  expiration[pid] = Date.now() + (maxage || DEFAULT_MAXAGE)
  if (history[pid] === undefined) {
    size++
    sheduleInvalidator(maxage)
  }

  history[pid] = object
  if (onExpire) {
    expireListeners[pid] = onExpire
  }
}

function sheduleInvalidator (maxage) {
  if (size > 0) {
    if (interval === null) {
      interval = setInterval(runInvalidator, (maxage || DEFAULT_MAXAGE) / 2)
      if (typeof interval.unref === 'function') {
        interval.unref()
      }
    }

    return
  }

  if (interval !== null) {
    clearInterval(interval)
    interval = null
  }
}

function runInvalidator () {
  const now = Date.now()
  const pids = Object.keys(expiration)
  for (let i = 0; i < pids.length; i++) {
    const pid = pids[i]
    if (expiration[pid] < now) {
      size--
      if (expireListeners[pid]) {
        expireListeners[pid](history[pid])
      }

      delete history[pid]
      delete expiration[pid]
      delete expireListeners[pid]
    }
  }
  sheduleInvalidator()
}

function deleteLoop (obj) { for (const i in obj) { delete obj[i] } }

function clear () {
  if (interval !== null) {
    clearInterval(interval)
    interval = null
  }

  deleteLoop(history)
  deleteLoop(expiration)
  deleteLoop(expireListeners)
}

module.exports = {
  get,
  set,
  clear
}


/***/ }),

/***/ 852:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

const fs = __nccwpck_require__(896)
const path = __nccwpck_require__(928)
const updateCpu = __nccwpck_require__(152)
const parallel = __nccwpck_require__(708)
const history = __nccwpck_require__(244)
let cpuInfo = null
const SIZE = 1024 // if the stat file is bigger then this I'll buy you a drink

function noop () {}

function open (path, history, cb) {
  if (history.fd) { return cb(null, history.fd) }
  fs.open(path, 'r', cb)
}

function close (history) {
  if (history.fd) {
    fs.close(history.fd, noop)
  }
}

function readUntilEnd (fd, buf, cb) {
  let firstRead = false
  if (typeof buf === 'function') {
    cb = buf
    buf = Buffer.alloc(SIZE)
    firstRead = true
  }

  fs.read(fd, buf, 0, SIZE, 0, function (err, bytesRead, buffer) {
    if (err) {
      cb(err)
      return
    }

    const data = Buffer.concat([buf, buffer], firstRead ? bytesRead : buf.length + bytesRead)
    if (bytesRead === SIZE) {
      readUntilEnd(fd, data, cb)
      return
    }

    cb(null, buf)
  })
}

function readProcFile (pid, options, done) {
  let hst = history.get(pid, options.maxage)
  let again = false
  if (hst === undefined) {
    again = true
    hst = {}
  }

  // Arguments to path.join must be strings
  open(path.join('/proc', '' + pid, 'stat'), hst, function (err, fd) {
    if (err) {
      if (err.code === 'ENOENT') {
        err.message = 'No matching pid found'
      }
      return done(err, null)
    }

    if (err) {
      return done(err)
    }

    readUntilEnd(fd, function (err, buffer) {
      if (err) {
        return done(err)
      }

      let infos = buffer.toString('utf8')
      const date = Date.now()

      // https://github.com/arunoda/node-usage/commit/a6ca74ecb8dd452c3c00ed2bde93294d7bb75aa8
      // preventing process space in name by removing values before last ) (pid (name) ...)
      const index = infos.lastIndexOf(')')
      infos = infos.substr(index + 2).split(' ')

      // according to http://man7.org/linux/man-pages/man5/proc.5.html (index 0 based - 2)
      // In kernels before Linux 2.6, start was expressed in jiffies. Since Linux 2.6, the value is expressed in clock ticks
      const stat = {
        ppid: parseInt(infos[1]),
        utime: parseFloat(infos[11]) * 1000 / cpuInfo.clockTick,
        stime: parseFloat(infos[12]) * 1000 / cpuInfo.clockTick,
        cutime: parseFloat(infos[13]) * 1000 / cpuInfo.clockTick,
        cstime: parseFloat(infos[14]) * 1000 / cpuInfo.clockTick,
        start: parseFloat(infos[19]) * 1000 / cpuInfo.clockTick,
        rss: parseFloat(infos[21]),
        uptime: cpuInfo.uptime * 1000,
        fd
      }

      const memory = stat.rss * cpuInfo.pageSize

      // https://stackoverflow.com/a/16736599/3921589
      const childrens = options.childrens ? stat.cutime + stat.cstime : 0
      // process usage since last call in seconds
      const total = (stat.stime - (hst.stime || 0) + stat.utime - (hst.utime || 0) + childrens)
      // time elapsed between calls in seconds
      const seconds = Math.abs(hst.uptime !== undefined ? stat.uptime - hst.uptime : stat.start - stat.uptime)
      const cpu = seconds > 0 ? (total / seconds) * 100 : 0

      history.set(pid, stat, options.maxage, close)

      if (again) {
        return readProcFile(pid, options, done)
      }

      return done(null, {
        cpu,
        memory,
        ctime: stat.utime + stat.stime,
        elapsed: stat.uptime - stat.start,
        timestamp: date,
        pid,
        ppid: stat.ppid
      })
    })
  })
}

function procfile (pids, options, done) {
  updateCpu(cpuInfo, function (err, result) {
    if (err) return done(err)

    cpuInfo = result
    const fns = {}

    pids.forEach(function (pid, i) {
      fns[pid] = function (cb) {
        readProcFile(pid, options, cb)
      }
    })

    parallel(fns, { graceful: true }, done)
  })
}

module.exports = procfile


/***/ }),

/***/ 363:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const os = __nccwpck_require__(857)
const bin = __nccwpck_require__(353)
const history = __nccwpck_require__(244)

const PLATFORM = os.platform()

function parseTime (timestr, centisec) {
  let time = 0
  const tpart = timestr.split(/-|:|\./)
  let i = tpart.length - 1
  if (i >= 0 && centisec && PLATFORM === 'darwin') {
    time += parseInt(tpart[i--], 10) * 10
  }
  if (i >= 0) { // Seconds
    time += parseInt(tpart[i--], 10) * 1000
  }
  if (i >= 0) { // Minutes
    time += parseInt(tpart[i--], 10) * 60000
  }
  if (i >= 0) { // Hours
    time += parseInt(tpart[i--], 10) * 3600000
  }
  if (i >= 0) { // Days
    time += parseInt(tpart[i--], 10) * 86400000
  }
  return time
}

/**
  * Get pid informations through ps command.
  * @param  {Number[]} pids
  * @param  {Object} options
  * @param  {Function} done(err, stat)
  */
function ps (pids, options, done) {
  const pArg = pids.join(',')
  let args = ['-o', 'etime,pid,ppid,pcpu,rss,time', '-p', pArg]

  if (PLATFORM === 'aix' || PLATFORM === 'os400') {
    args = ['-o', 'etime,pid,ppid,pcpu,rssize,time', '-p', pArg]
  }

  bin('ps', args, function (err, stdout, code) {
    if (err) {
      if (PLATFORM === 'os390' && /no matching processes found/.test(err)) {
        err = new Error('No matching pid found')
        err.code = 'ENOENT'
      }

      return done(err)
    }
    if (code === 1) {
      const error = new Error('No matching pid found')
      error.code = 'ENOENT'
      return done(error)
    }
    if (code !== 0) {
      return done(new Error('pidusage ps command exited with code ' + code))
    }
    const date = Date.now()

    // Example of stdout on *nix.
    // ELAPSED: format is [[dd-]hh:]mm:ss
    // RSS: is counted as blocks of 1024 bytes
    // TIME: format is [[dd-]hh:]mm:ss
    // %CPU: goes from 0 to vcore * 100
    //
    // Refs: http://www.manpages.info/linux/ps.1.html
    // NB: The columns are returned in the order given inside the -o option
    //
    //    ELAPSED   PID  PPID  %CPU     RSS        TIME
    // 2-40:50:53   430     1   3.0    5145  1-02:03:04
    //   40:50:53   432   430   0.0    2364  1-01:02:03
    //   01:50:50   727     1  10.0  348932       14:27
    //      00:20  7166     1   0.1    3756        0:00

    // Example of stdout on Darwin
    // ELAPSED: format is [[dd-]hh:]mm:ss
    // RSS: is counted as blocks of 1024 bytes
    // TIME: format is [[dd-]hh:]mm:ss.cc (cc are centiseconds)
    // %CPU: goes from 0 to vcore * 100
    //
    // Refs: https://ss64.com/osx/ps.html
    // NB: The columns are returned in the order given inside the -o option
    //
    //    ELAPSED   PID  PPID  %CPU     RSS           TIME
    // 2-40:50:53   430     1   3.0    5145  1-02:03:04.07
    //   40:50:53   432   430   0.0    2364  1-01:02:03.10
    //   01:50:50   727     1  10.0  348932       14:27.26
    //      00:20  7166     1   0.1    3756        0:00.02

    stdout = stdout.split(os.EOL)

    const statistics = {}
    for (let i = 1; i < stdout.length; i++) {
      const line = stdout[i].trim().split(/\s+/)

      if (!line || line.length !== 6) {
        continue
      }

      const pid = parseInt(line[1], 10)
      let hst = history.get(pid, options.maxage)
      if (hst === undefined) hst = {}

      const ppid = parseInt(line[2], 10)
      const memory = parseInt(line[4], 10) * 1024
      const etime = parseTime(line[0])
      const ctime = parseTime(line[5], true)

      const total = (ctime - (hst.ctime || 0))
      // time elapsed between calls in seconds
      const seconds = Math.abs(hst.elapsed !== undefined ? etime - hst.elapsed : etime)
      const cpu = seconds > 0 ? (total / seconds) * 100 : 0

      statistics[pid] = {
        cpu,
        memory,
        ppid,
        pid,
        ctime,
        elapsed: etime,
        timestamp: date
      }

      history.set(pid, statistics[pid], options.maxage)
    }

    done(null, statistics)
  })
}

module.exports = ps


/***/ }),

/***/ 931:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const fs = __nccwpck_require__(896)
const os = __nccwpck_require__(857)
const path = __nccwpck_require__(928)

const requireMap = {
  ps: () => __nccwpck_require__(363),
  procfile: () => __nccwpck_require__(852),
  wmic: () => __nccwpck_require__(938),
  gwmi: () => __nccwpck_require__(346)
}

const platformToMethod = {
  aix: 'ps',
  os400: 'ps',
  android: 'procfile',
  alpine: 'procfile',
  darwin: 'ps',
  freebsd: 'ps',
  os390: 'ps',
  linux: 'procfile',
  netbsd: 'procfile',
  openbsd: 'ps',
  sunos: 'ps',
  win: 'wmic'
}

let platform = os.platform()

if (fs.existsSync('/etc/alpine-release')) {
  platform = 'alpine'
}

if (platform.match(/^win/)) {
  platform = 'win'
}

let stat
try {
  stat = requireMap[platformToMethod[platform]]()
} catch (err) {}

let wmicAvailable

function hasWmic () {
  if (wmicAvailable === undefined) {
    wmicAvailable = fs.existsSync(path.join(process.env.SystemRoot || 'C:\\Windows', 'System32', 'wbem', 'WMIC.exe'))
  }
  return wmicAvailable
}

/**
 * @callback pidCallback
 * @param {Error} err A possible error.
 * @param {Object} statistics The object containing the statistics.
 */

/**
 * Get pid informations.
 * @public
 * @param  {Number|Number[]|String|String[]} pids A pid or a list of pids.
 * @param  {Object} [options={}] Options object
 * @param  {pidCallback} callback Called when the statistics are ready.
 */
function get (pids, options, callback) {
  let fn = stat
  if (platform !== 'win' && options.usePs === true) {
    fn = requireMap.ps()
  }
  if (platform === 'win') {
    fn = options.useGwmi === true || !hasWmic() ? requireMap.gwmi() : requireMap.wmic()
  }

  if (fn === undefined) {
    return callback(new Error(os.platform() + ' is not supported yet, please open an issue (https://github.com/soyuka/pidusage)'))
  }

  let single = false
  if (!Array.isArray(pids)) {
    single = true
    pids = [pids]
  }

  if (pids.length === 0) {
    return callback(new TypeError('You must provide at least one pid'))
  }

  for (let i = 0; i < pids.length; i++) {
    pids[i] = parseInt(pids[i], 10)
    if (isNaN(pids[i]) || pids[i] < 0) {
      return callback(new TypeError('One of the pids provided is invalid'))
    }
  }

  fn(pids, options, function (err, stats) {
    if (err) {
      return callback(err)
    }

    if (single) {
      callback(null, stats[pids[0]])
    } else {
      callback(null, stats)
    }
  })
}

module.exports = get


/***/ }),

/***/ 938:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const os = __nccwpck_require__(857)
const bin = __nccwpck_require__(353)
const history = __nccwpck_require__(244)

function parseDate (datestr) {
  const year = datestr.substring(0, 4)
  const month = datestr.substring(4, 6)
  const day = datestr.substring(6, 8)
  const hour = datestr.substring(8, 10)
  const minutes = datestr.substring(10, 12)
  const seconds = datestr.substring(12, 14)
  const useconds = datestr.substring(15, 21)
  const sign = datestr.substring(21, 22)
  const tmz = parseInt(datestr.substring(22, 25), 10)
  const tmzh = Math.floor(tmz / 60)
  const tmzm = tmz % 60

  return new Date(
    year + '-' + month + '-' + day + 'T' + hour +
    ':' + minutes + ':' + seconds +
    '.' + useconds +
    sign + (tmzh > 9 ? tmzh : '0' + tmzh) + '' + (tmzm > 9 ? tmzm : '0' + tmzm)
  )
}

/**
  * Get pid informations through wmic command.
  * @param  {Number[]} pids
  * @param  {Object} options
  * @param  {Function} done(err, stat)
  */
function wmic (pids, options, done) {
  let whereClause = 'ProcessId=' + pids[0]
  for (let i = 1; i < pids.length; i++) {
    whereClause += ' or ' + 'ProcessId=' + pids[i]
  }

  const args = [
    'PROCESS',
    'where',
    '"' + whereClause + '"',
    'get',
    'CreationDate,KernelModeTime,ParentProcessId,ProcessId,UserModeTime,WorkingSetSize'
  ]

  bin('wmic', args, { windowsHide: true, windowsVerbatimArguments: true }, function (err, stdout, code) {
    if (err) {
      if (err.message.indexOf('No Instance(s) Available.') !== -1) {
        const error = new Error('No matching pid found')
        error.code = 'ENOENT'
        return done(error)
      }
      return done(err)
    }
    if (code !== 0) {
      return done(new Error('pidusage wmic command exited with code ' + code))
    }
    const date = Date.now()

    // Note: On Windows the returned value includes fractions of a second.
    // Use Math.floor() to get whole seconds.
    // Fallback on current date when uptime is not allowed (see https://github.com/soyuka/pidusage/pull/130)
    const uptime = Math.floor(os.uptime() || (date / 1000))

    // Example of stdout on Windows 10
    // CreationDate: is in the format yyyymmddHHMMSS.mmmmmmsUUU
    // KernelModeTime: is in units of 100 ns
    // UserModeTime: is in units of 100 ns
    // WorkingSetSize: is in bytes
    //
    // Refs: https://superuser.com/a/937401/470946
    // Refs: https://msdn.microsoft.com/en-us/library/aa394372(v=vs.85).aspx
    // NB: The columns are returned in lexicographical order
    //
    // CreationDate               KernelModeTime  ParentProcessId  ProcessId  UserModeTime  WorkingSetSize
    // 20150329221650.080654+060  153750000       0                777        8556250000    110821376

    stdout = stdout.split(os.EOL)

    let again = false
    const statistics = {}
    for (let i = 1; i < stdout.length; i++) {
      const line = stdout[i].trim().split(/\s+/)

      if (!line || line.length !== 6) {
        continue
      }

      const creation = parseDate(line[0])
      const ppid = parseInt(line[2], 10)
      const pid = parseInt(line[3], 10)
      const kerneltime = Math.round(parseInt(line[1], 10) / 10000)
      const usertime = Math.round(parseInt(line[4], 10) / 10000)
      const memory = parseInt(line[5], 10)

      let hst = history.get(pid, options.maxage)
      if (hst === undefined) {
        again = true
        hst = { ctime: kerneltime + usertime, uptime }
      }

      // process usage since last call
      const total = (kerneltime + usertime - hst.ctime) / 1000
      // time elapsed between calls in seconds
      const seconds = uptime - hst.uptime
      const cpu = seconds > 0 ? (total / seconds) * 100 : 0

      history.set(pid, { ctime: usertime + kerneltime, uptime }, options.maxage)

      statistics[pid] = {
        cpu,
        memory,
        ppid,
        pid,
        ctime: usertime + kerneltime,
        elapsed: date - creation.getTime(),
        timestamp: date
      }
    }

    if (again) {
      return wmic(pids, options, function (err, stats) {
        if (err) return done(err)
        done(null, Object.assign(statistics, stats))
      })
    }
    done(null, statistics)
  })
}

module.exports = wmic


/***/ }),

/***/ 803:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const { websocketMask, websocketUnmask } = __nccwpck_require__(611);

const { EMPTY_BUFFER } = __nccwpck_require__(791);

const FastBuffer = Buffer[Symbol.species];

/**
 * Merges an array of buffers into a new buffer.
 *
 * @param {Buffer[]} list The array of buffers to concat
 * @param {Number} totalLength The total length of buffers in the list
 * @return {Buffer} The resulting buffer
 * @public
 */
function concat(list, totalLength) {
  if (list.length === 0) return EMPTY_BUFFER;
  if (list.length === 1) return list[0];

  const target = Buffer.allocUnsafe(totalLength);
  let offset = 0;

  for (let i = 0; i < list.length; i++) {
    const buf = list[i];
    target.set(buf, offset);
    offset += buf.length;
  }

  if (offset < totalLength) {
    return new FastBuffer(target.buffer, target.byteOffset, offset);
  }

  return target;
}

/**
 * Masks a buffer using the given mask.
 *
 * @param {Buffer} source The buffer to mask
 * @param {Buffer} mask The mask to use
 * @param {Buffer} output The buffer where to store the result
 * @param {Number} offset The offset at which to start writing
 * @param {Number} length The number of bytes to mask.
 * @public
 */
function _mask(source, mask, output, offset, length) {
  for (let i = 0; i < length; i++) {
    output[offset + i] = source[i] ^ mask[i & 3];
  }
}

/**
 * Unmasks a buffer using the given mask.
 *
 * @param {Buffer} buffer The buffer to unmask
 * @param {Buffer} mask The mask to use
 * @public
 */
function _unmask(buffer, mask) {
  for (let i = 0; i < buffer.length; i++) {
    buffer[i] ^= mask[i & 3];
  }
}

/**
 * Converts a buffer to an `ArrayBuffer`.
 *
 * @param {Buffer} buf The buffer to convert
 * @return {ArrayBuffer} Converted buffer
 * @public
 */
function toArrayBuffer(buf) {
  if (buf.length === buf.buffer.byteLength) {
    return buf.buffer;
  }

  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length);
}

/**
 * Converts `data` to a `Buffer`.
 *
 * @param {*} data The data to convert
 * @return {Buffer} The buffer
 * @throws {TypeError}
 * @public
 */
function toBuffer(data) {
  toBuffer.readOnly = true;

  if (Buffer.isBuffer(data)) return data;

  let buf;

  if (data instanceof ArrayBuffer) {
    buf = new FastBuffer(data);
  } else if (ArrayBuffer.isView(data)) {
    buf = new FastBuffer(data.buffer, data.byteOffset, data.byteLength);
  } else {
    buf = Buffer.from(data);
    toBuffer.readOnly = false;
  }

  return buf;
}

module.exports = {
  concat,
  mask: _mask,
  toArrayBuffer,
  toBuffer,
  unmask: _unmask
};

if (websocketMask) {
  module.exports.mask = function (source, mask, output, offset, length) {
    if (length < 24) _mask(source, mask, output, offset, length);
    else websocketMask(source, mask, output, offset, length);
  };

  module.exports.unmask = function (buffer, mask) {
    if (buffer.length < 24) _unmask(buffer, mask);
    else websocketUnmask(buffer, mask);
  };
} /* istanbul ignore else  */ else if (!process.env.WS_NO_BUFFER_UTIL) {
  try {
    const bufferUtil = __nccwpck_require__(327);

    module.exports.mask = function (source, mask, output, offset, length) {
      if (length < 48) _mask(source, mask, output, offset, length);
      else bufferUtil.mask(source, mask, output, offset, length);
    };

    module.exports.unmask = function (buffer, mask) {
      if (buffer.length < 32) _unmask(buffer, mask);
      else bufferUtil.unmask(buffer, mask);
    };
  } catch (e) {
    // Continue regardless of the error.
  }
}


/***/ }),

/***/ 791:
/***/ ((module) => {



const BINARY_TYPES = ['nodebuffer', 'arraybuffer', 'fragments'];
const hasBlob = typeof Blob !== 'undefined';

if (hasBlob) BINARY_TYPES.push('blob');

module.exports = {
  BINARY_TYPES,
  CLOSE_TIMEOUT: 30000,
  EMPTY_BUFFER: Buffer.alloc(0),
  GUID: '258EAFA5-E914-47DA-95CA-C5AB0DC85B11',
  hasBlob,
  kForOnEventAttribute: Symbol('kIsForOnEventAttribute'),
  kListener: Symbol('kListener'),
  kStatusCode: Symbol('status-code'),
  kWebSocket: Symbol('websocket'),
  NOOP: () => {}
};


/***/ }),

/***/ 634:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const { kForOnEventAttribute, kListener } = __nccwpck_require__(791);

const kCode = Symbol('kCode');
const kData = Symbol('kData');
const kError = Symbol('kError');
const kMessage = Symbol('kMessage');
const kReason = Symbol('kReason');
const kTarget = Symbol('kTarget');
const kType = Symbol('kType');
const kWasClean = Symbol('kWasClean');

/**
 * Class representing an event.
 */
class Event {
  /**
   * Create a new `Event`.
   *
   * @param {String} type The name of the event
   * @throws {TypeError} If the `type` argument is not specified
   */
  constructor(type) {
    this[kTarget] = null;
    this[kType] = type;
  }

  /**
   * @type {*}
   */
  get target() {
    return this[kTarget];
  }

  /**
   * @type {String}
   */
  get type() {
    return this[kType];
  }
}

Object.defineProperty(Event.prototype, 'target', { enumerable: true });
Object.defineProperty(Event.prototype, 'type', { enumerable: true });

/**
 * Class representing a close event.
 *
 * @extends Event
 */
class CloseEvent extends Event {
  /**
   * Create a new `CloseEvent`.
   *
   * @param {String} type The name of the event
   * @param {Object} [options] A dictionary object that allows for setting
   *     attributes via object members of the same name
   * @param {Number} [options.code=0] The status code explaining why the
   *     connection was closed
   * @param {String} [options.reason=''] A human-readable string explaining why
   *     the connection was closed
   * @param {Boolean} [options.wasClean=false] Indicates whether or not the
   *     connection was cleanly closed
   */
  constructor(type, options = {}) {
    super(type);

    this[kCode] = options.code === undefined ? 0 : options.code;
    this[kReason] = options.reason === undefined ? '' : options.reason;
    this[kWasClean] = options.wasClean === undefined ? false : options.wasClean;
  }

  /**
   * @type {Number}
   */
  get code() {
    return this[kCode];
  }

  /**
   * @type {String}
   */
  get reason() {
    return this[kReason];
  }

  /**
   * @type {Boolean}
   */
  get wasClean() {
    return this[kWasClean];
  }
}

Object.defineProperty(CloseEvent.prototype, 'code', { enumerable: true });
Object.defineProperty(CloseEvent.prototype, 'reason', { enumerable: true });
Object.defineProperty(CloseEvent.prototype, 'wasClean', { enumerable: true });

/**
 * Class representing an error event.
 *
 * @extends Event
 */
class ErrorEvent extends Event {
  /**
   * Create a new `ErrorEvent`.
   *
   * @param {String} type The name of the event
   * @param {Object} [options] A dictionary object that allows for setting
   *     attributes via object members of the same name
   * @param {*} [options.error=null] The error that generated this event
   * @param {String} [options.message=''] The error message
   */
  constructor(type, options = {}) {
    super(type);

    this[kError] = options.error === undefined ? null : options.error;
    this[kMessage] = options.message === undefined ? '' : options.message;
  }

  /**
   * @type {*}
   */
  get error() {
    return this[kError];
  }

  /**
   * @type {String}
   */
  get message() {
    return this[kMessage];
  }
}

Object.defineProperty(ErrorEvent.prototype, 'error', { enumerable: true });
Object.defineProperty(ErrorEvent.prototype, 'message', { enumerable: true });

/**
 * Class representing a message event.
 *
 * @extends Event
 */
class MessageEvent extends Event {
  /**
   * Create a new `MessageEvent`.
   *
   * @param {String} type The name of the event
   * @param {Object} [options] A dictionary object that allows for setting
   *     attributes via object members of the same name
   * @param {*} [options.data=null] The message content
   */
  constructor(type, options = {}) {
    super(type);

    this[kData] = options.data === undefined ? null : options.data;
  }

  /**
   * @type {*}
   */
  get data() {
    return this[kData];
  }
}

Object.defineProperty(MessageEvent.prototype, 'data', { enumerable: true });

/**
 * This provides methods for emulating the `EventTarget` interface. It's not
 * meant to be used directly.
 *
 * @mixin
 */
const EventTarget = {
  /**
   * Register an event listener.
   *
   * @param {String} type A string representing the event type to listen for
   * @param {(Function|Object)} handler The listener to add
   * @param {Object} [options] An options object specifies characteristics about
   *     the event listener
   * @param {Boolean} [options.once=false] A `Boolean` indicating that the
   *     listener should be invoked at most once after being added. If `true`,
   *     the listener would be automatically removed when invoked.
   * @public
   */
  addEventListener(type, handler, options = {}) {
    for (const listener of this.listeners(type)) {
      if (
        !options[kForOnEventAttribute] &&
        listener[kListener] === handler &&
        !listener[kForOnEventAttribute]
      ) {
        return;
      }
    }

    let wrapper;

    if (type === 'message') {
      wrapper = function onMessage(data, isBinary) {
        const event = new MessageEvent('message', {
          data: isBinary ? data : data.toString()
        });

        event[kTarget] = this;
        callListener(handler, this, event);
      };
    } else if (type === 'close') {
      wrapper = function onClose(code, message) {
        const event = new CloseEvent('close', {
          code,
          reason: message.toString(),
          wasClean: this._closeFrameReceived && this._closeFrameSent
        });

        event[kTarget] = this;
        callListener(handler, this, event);
      };
    } else if (type === 'error') {
      wrapper = function onError(error) {
        const event = new ErrorEvent('error', {
          error,
          message: error.message
        });

        event[kTarget] = this;
        callListener(handler, this, event);
      };
    } else if (type === 'open') {
      wrapper = function onOpen() {
        const event = new Event('open');

        event[kTarget] = this;
        callListener(handler, this, event);
      };
    } else {
      return;
    }

    wrapper[kForOnEventAttribute] = !!options[kForOnEventAttribute];
    wrapper[kListener] = handler;

    if (options.once) {
      this.once(type, wrapper);
    } else {
      this.on(type, wrapper);
    }
  },

  /**
   * Remove an event listener.
   *
   * @param {String} type A string representing the event type to remove
   * @param {(Function|Object)} handler The listener to remove
   * @public
   */
  removeEventListener(type, handler) {
    for (const listener of this.listeners(type)) {
      if (listener[kListener] === handler && !listener[kForOnEventAttribute]) {
        this.removeListener(type, listener);
        break;
      }
    }
  }
};

module.exports = {
  CloseEvent,
  ErrorEvent,
  Event,
  EventTarget,
  MessageEvent
};

/**
 * Call an event listener
 *
 * @param {(Function|Object)} listener The listener to call
 * @param {*} thisArg The value to use as `this`` when calling the listener
 * @param {Event} event The event to pass to the listener
 * @private
 */
function callListener(listener, thisArg, event) {
  if (typeof listener === 'object' && listener.handleEvent) {
    listener.handleEvent.call(listener, event);
  } else {
    listener.call(thisArg, event);
  }
}


/***/ }),

/***/ 335:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const { tokenChars } = __nccwpck_require__(615);

/**
 * Adds an offer to the map of extension offers or a parameter to the map of
 * parameters.
 *
 * @param {Object} dest The map of extension offers or parameters
 * @param {String} name The extension or parameter name
 * @param {(Object|Boolean|String)} elem The extension parameters or the
 *     parameter value
 * @private
 */
function push(dest, name, elem) {
  if (dest[name] === undefined) dest[name] = [elem];
  else dest[name].push(elem);
}

/**
 * Parses the `Sec-WebSocket-Extensions` header into an object.
 *
 * @param {String} header The field value of the header
 * @return {Object} The parsed object
 * @public
 */
function parse(header) {
  const offers = Object.create(null);
  let params = Object.create(null);
  let mustUnescape = false;
  let isEscaping = false;
  let inQuotes = false;
  let extensionName;
  let paramName;
  let start = -1;
  let code = -1;
  let end = -1;
  let i = 0;

  for (; i < header.length; i++) {
    code = header.charCodeAt(i);

    if (extensionName === undefined) {
      if (end === -1 && tokenChars[code] === 1) {
        if (start === -1) start = i;
      } else if (
        i !== 0 &&
        (code === 0x20 /* ' ' */ || code === 0x09) /* '\t' */
      ) {
        if (end === -1 && start !== -1) end = i;
      } else if (code === 0x3b /* ';' */ || code === 0x2c /* ',' */) {
        if (start === -1) {
          throw new SyntaxError(`Unexpected character at index ${i}`);
        }

        if (end === -1) end = i;
        const name = header.slice(start, end);
        if (code === 0x2c) {
          push(offers, name, params);
          params = Object.create(null);
        } else {
          extensionName = name;
        }

        start = end = -1;
      } else {
        throw new SyntaxError(`Unexpected character at index ${i}`);
      }
    } else if (paramName === undefined) {
      if (end === -1 && tokenChars[code] === 1) {
        if (start === -1) start = i;
      } else if (code === 0x20 || code === 0x09) {
        if (end === -1 && start !== -1) end = i;
      } else if (code === 0x3b || code === 0x2c) {
        if (start === -1) {
          throw new SyntaxError(`Unexpected character at index ${i}`);
        }

        if (end === -1) end = i;
        push(params, header.slice(start, end), true);
        if (code === 0x2c) {
          push(offers, extensionName, params);
          params = Object.create(null);
          extensionName = undefined;
        }

        start = end = -1;
      } else if (code === 0x3d /* '=' */ && start !== -1 && end === -1) {
        paramName = header.slice(start, i);
        start = end = -1;
      } else {
        throw new SyntaxError(`Unexpected character at index ${i}`);
      }
    } else {
      //
      // The value of a quoted-string after unescaping must conform to the
      // token ABNF, so only token characters are valid.
      // Ref: https://tools.ietf.org/html/rfc6455#section-9.1
      //
      if (isEscaping) {
        if (tokenChars[code] !== 1) {
          throw new SyntaxError(`Unexpected character at index ${i}`);
        }
        if (start === -1) start = i;
        else if (!mustUnescape) mustUnescape = true;
        isEscaping = false;
      } else if (inQuotes) {
        if (tokenChars[code] === 1) {
          if (start === -1) start = i;
        } else if (code === 0x22 /* '"' */ && start !== -1) {
          inQuotes = false;
          end = i;
        } else if (code === 0x5c /* '\' */) {
          isEscaping = true;
        } else {
          throw new SyntaxError(`Unexpected character at index ${i}`);
        }
      } else if (code === 0x22 && header.charCodeAt(i - 1) === 0x3d) {
        inQuotes = true;
      } else if (end === -1 && tokenChars[code] === 1) {
        if (start === -1) start = i;
      } else if (start !== -1 && (code === 0x20 || code === 0x09)) {
        if (end === -1) end = i;
      } else if (code === 0x3b || code === 0x2c) {
        if (start === -1) {
          throw new SyntaxError(`Unexpected character at index ${i}`);
        }

        if (end === -1) end = i;
        let value = header.slice(start, end);
        if (mustUnescape) {
          value = value.replace(/\\/g, '');
          mustUnescape = false;
        }
        push(params, paramName, value);
        if (code === 0x2c) {
          push(offers, extensionName, params);
          params = Object.create(null);
          extensionName = undefined;
        }

        paramName = undefined;
        start = end = -1;
      } else {
        throw new SyntaxError(`Unexpected character at index ${i}`);
      }
    }
  }

  if (start === -1 || inQuotes || code === 0x20 || code === 0x09) {
    throw new SyntaxError('Unexpected end of input');
  }

  if (end === -1) end = i;
  const token = header.slice(start, end);
  if (extensionName === undefined) {
    push(offers, token, params);
  } else {
    if (paramName === undefined) {
      push(params, token, true);
    } else if (mustUnescape) {
      push(params, paramName, token.replace(/\\/g, ''));
    } else {
      push(params, paramName, token);
    }
    push(offers, extensionName, params);
  }

  return offers;
}

/**
 * Builds the `Sec-WebSocket-Extensions` header field value.
 *
 * @param {Object} extensions The map of extensions and parameters to format
 * @return {String} A string representing the given object
 * @public
 */
function format(extensions) {
  return Object.keys(extensions)
    .map((extension) => {
      let configurations = extensions[extension];
      if (!Array.isArray(configurations)) configurations = [configurations];
      return configurations
        .map((params) => {
          return [extension]
            .concat(
              Object.keys(params).map((k) => {
                let values = params[k];
                if (!Array.isArray(values)) values = [values];
                return values
                  .map((v) => (v === true ? k : `${k}=${v}`))
                  .join('; ');
              })
            )
            .join('; ');
        })
        .join(', ');
    })
    .join(', ');
}

module.exports = { format, parse };


/***/ }),

/***/ 958:
/***/ ((module) => {



const kDone = Symbol('kDone');
const kRun = Symbol('kRun');

/**
 * A very simple job queue with adjustable concurrency. Adapted from
 * https://github.com/STRML/async-limiter
 */
class Limiter {
  /**
   * Creates a new `Limiter`.
   *
   * @param {Number} [concurrency=Infinity] The maximum number of jobs allowed
   *     to run concurrently
   */
  constructor(concurrency) {
    this[kDone] = () => {
      this.pending--;
      this[kRun]();
    };
    this.concurrency = concurrency || Infinity;
    this.jobs = [];
    this.pending = 0;
  }

  /**
   * Adds a job to the queue.
   *
   * @param {Function} job The job to run
   * @public
   */
  add(job) {
    this.jobs.push(job);
    this[kRun]();
  }

  /**
   * Removes a job from the queue and runs it if possible.
   *
   * @private
   */
  [kRun]() {
    if (this.pending === this.concurrency) return;

    if (this.jobs.length) {
      const job = this.jobs.shift();

      this.pending++;
      job(this[kDone]);
    }
  }
}

module.exports = Limiter;


/***/ }),

/***/ 376:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const zlib = __nccwpck_require__(106);

const bufferUtil = __nccwpck_require__(803);
const Limiter = __nccwpck_require__(958);
const { kStatusCode } = __nccwpck_require__(791);

const FastBuffer = Buffer[Symbol.species];
const TRAILER = Buffer.from([0x00, 0x00, 0xff, 0xff]);
const kPerMessageDeflate = Symbol('permessage-deflate');
const kTotalLength = Symbol('total-length');
const kCallback = Symbol('callback');
const kBuffers = Symbol('buffers');
const kError = Symbol('error');

//
// We limit zlib concurrency, which prevents severe memory fragmentation
// as documented in https://github.com/nodejs/node/issues/8871#issuecomment-250915913
// and https://github.com/websockets/ws/issues/1202
//
// Intentionally global; it's the global thread pool that's an issue.
//
let zlibLimiter;

/**
 * permessage-deflate implementation.
 */
class PerMessageDeflate {
  /**
   * Creates a PerMessageDeflate instance.
   *
   * @param {Object} [options] Configuration options
   * @param {(Boolean|Number)} [options.clientMaxWindowBits] Advertise support
   *     for, or request, a custom client window size
   * @param {Boolean} [options.clientNoContextTakeover=false] Advertise/
   *     acknowledge disabling of client context takeover
   * @param {Number} [options.concurrencyLimit=10] The number of concurrent
   *     calls to zlib
   * @param {Boolean} [options.isServer=false] Create the instance in either
   *     server or client mode
   * @param {Number} [options.maxPayload=0] The maximum allowed message length
   * @param {(Boolean|Number)} [options.serverMaxWindowBits] Request/confirm the
   *     use of a custom server window size
   * @param {Boolean} [options.serverNoContextTakeover=false] Request/accept
   *     disabling of server context takeover
   * @param {Number} [options.threshold=1024] Size (in bytes) below which
   *     messages should not be compressed if context takeover is disabled
   * @param {Object} [options.zlibDeflateOptions] Options to pass to zlib on
   *     deflate
   * @param {Object} [options.zlibInflateOptions] Options to pass to zlib on
   *     inflate
   */
  constructor(options) {
    this._options = options || {};
    this._threshold =
      this._options.threshold !== undefined ? this._options.threshold : 1024;
    this._maxPayload = this._options.maxPayload | 0;
    this._isServer = !!this._options.isServer;
    this._deflate = null;
    this._inflate = null;

    this.params = null;

    if (!zlibLimiter) {
      const concurrency =
        this._options.concurrencyLimit !== undefined
          ? this._options.concurrencyLimit
          : 10;
      zlibLimiter = new Limiter(concurrency);
    }
  }

  /**
   * @type {String}
   */
  static get extensionName() {
    return 'permessage-deflate';
  }

  /**
   * Create an extension negotiation offer.
   *
   * @return {Object} Extension parameters
   * @public
   */
  offer() {
    const params = {};

    if (this._options.serverNoContextTakeover) {
      params.server_no_context_takeover = true;
    }
    if (this._options.clientNoContextTakeover) {
      params.client_no_context_takeover = true;
    }
    if (this._options.serverMaxWindowBits) {
      params.server_max_window_bits = this._options.serverMaxWindowBits;
    }
    if (this._options.clientMaxWindowBits) {
      params.client_max_window_bits = this._options.clientMaxWindowBits;
    } else if (this._options.clientMaxWindowBits == null) {
      params.client_max_window_bits = true;
    }

    return params;
  }

  /**
   * Accept an extension negotiation offer/response.
   *
   * @param {Array} configurations The extension negotiation offers/reponse
   * @return {Object} Accepted configuration
   * @public
   */
  accept(configurations) {
    configurations = this.normalizeParams(configurations);

    this.params = this._isServer
      ? this.acceptAsServer(configurations)
      : this.acceptAsClient(configurations);

    return this.params;
  }

  /**
   * Releases all resources used by the extension.
   *
   * @public
   */
  cleanup() {
    if (this._inflate) {
      this._inflate.close();
      this._inflate = null;
    }

    if (this._deflate) {
      const callback = this._deflate[kCallback];

      this._deflate.close();
      this._deflate = null;

      if (callback) {
        callback(
          new Error(
            'The deflate stream was closed while data was being processed'
          )
        );
      }
    }
  }

  /**
   *  Accept an extension negotiation offer.
   *
   * @param {Array} offers The extension negotiation offers
   * @return {Object} Accepted configuration
   * @private
   */
  acceptAsServer(offers) {
    const opts = this._options;
    const accepted = offers.find((params) => {
      if (
        (opts.serverNoContextTakeover === false &&
          params.server_no_context_takeover) ||
        (params.server_max_window_bits &&
          (opts.serverMaxWindowBits === false ||
            (typeof opts.serverMaxWindowBits === 'number' &&
              opts.serverMaxWindowBits > params.server_max_window_bits))) ||
        (typeof opts.clientMaxWindowBits === 'number' &&
          (typeof params.client_max_window_bits === 'number'
            ? opts.clientMaxWindowBits > params.client_max_window_bits
            : !params.client_max_window_bits))
      ) {
        return false;
      }

      return true;
    });

    if (!accepted) {
      throw new Error('None of the extension offers can be accepted');
    }

    if (opts.serverNoContextTakeover) {
      accepted.server_no_context_takeover = true;
    }
    if (opts.clientNoContextTakeover) {
      accepted.client_no_context_takeover = true;
    }
    if (typeof opts.serverMaxWindowBits === 'number') {
      accepted.server_max_window_bits = opts.serverMaxWindowBits;
    }
    if (typeof opts.clientMaxWindowBits === 'number') {
      accepted.client_max_window_bits = opts.clientMaxWindowBits;
    } else if (
      accepted.client_max_window_bits === true ||
      opts.clientMaxWindowBits === false
    ) {
      delete accepted.client_max_window_bits;
    }

    return accepted;
  }

  /**
   * Accept the extension negotiation response.
   *
   * @param {Array} response The extension negotiation response
   * @return {Object} Accepted configuration
   * @private
   */
  acceptAsClient(response) {
    const params = response[0];

    if (
      this._options.clientNoContextTakeover === false &&
      params.client_no_context_takeover
    ) {
      throw new Error('Unexpected parameter "client_no_context_takeover"');
    }

    if (!params.client_max_window_bits) {
      if (typeof this._options.clientMaxWindowBits === 'number') {
        params.client_max_window_bits = this._options.clientMaxWindowBits;
      }
    } else if (
      this._options.clientMaxWindowBits === false ||
      (typeof this._options.clientMaxWindowBits === 'number' &&
        params.client_max_window_bits > this._options.clientMaxWindowBits)
    ) {
      throw new Error(
        'Unexpected or invalid parameter "client_max_window_bits"'
      );
    }

    return params;
  }

  /**
   * Normalize parameters.
   *
   * @param {Array} configurations The extension negotiation offers/reponse
   * @return {Array} The offers/response with normalized parameters
   * @private
   */
  normalizeParams(configurations) {
    configurations.forEach((params) => {
      Object.keys(params).forEach((key) => {
        let value = params[key];

        if (value.length > 1) {
          throw new Error(`Parameter "${key}" must have only a single value`);
        }

        value = value[0];

        if (key === 'client_max_window_bits') {
          if (value !== true) {
            const num = +value;
            if (!Number.isInteger(num) || num < 8 || num > 15) {
              throw new TypeError(
                `Invalid value for parameter "${key}": ${value}`
              );
            }
            value = num;
          } else if (!this._isServer) {
            throw new TypeError(
              `Invalid value for parameter "${key}": ${value}`
            );
          }
        } else if (key === 'server_max_window_bits') {
          const num = +value;
          if (!Number.isInteger(num) || num < 8 || num > 15) {
            throw new TypeError(
              `Invalid value for parameter "${key}": ${value}`
            );
          }
          value = num;
        } else if (
          key === 'client_no_context_takeover' ||
          key === 'server_no_context_takeover'
        ) {
          if (value !== true) {
            throw new TypeError(
              `Invalid value for parameter "${key}": ${value}`
            );
          }
        } else {
          throw new Error(`Unknown parameter "${key}"`);
        }

        params[key] = value;
      });
    });

    return configurations;
  }

  /**
   * Decompress data. Concurrency limited.
   *
   * @param {Buffer} data Compressed data
   * @param {Boolean} fin Specifies whether or not this is the last fragment
   * @param {Function} callback Callback
   * @public
   */
  decompress(data, fin, callback) {
    zlibLimiter.add((done) => {
      this._decompress(data, fin, (err, result) => {
        done();
        callback(err, result);
      });
    });
  }

  /**
   * Compress data. Concurrency limited.
   *
   * @param {(Buffer|String)} data Data to compress
   * @param {Boolean} fin Specifies whether or not this is the last fragment
   * @param {Function} callback Callback
   * @public
   */
  compress(data, fin, callback) {
    zlibLimiter.add((done) => {
      this._compress(data, fin, (err, result) => {
        done();
        callback(err, result);
      });
    });
  }

  /**
   * Decompress data.
   *
   * @param {Buffer} data Compressed data
   * @param {Boolean} fin Specifies whether or not this is the last fragment
   * @param {Function} callback Callback
   * @private
   */
  _decompress(data, fin, callback) {
    const endpoint = this._isServer ? 'client' : 'server';

    if (!this._inflate) {
      const key = `${endpoint}_max_window_bits`;
      const windowBits =
        typeof this.params[key] !== 'number'
          ? zlib.Z_DEFAULT_WINDOWBITS
          : this.params[key];

      this._inflate = zlib.createInflateRaw({
        ...this._options.zlibInflateOptions,
        windowBits
      });
      this._inflate[kPerMessageDeflate] = this;
      this._inflate[kTotalLength] = 0;
      this._inflate[kBuffers] = [];
      this._inflate.on('error', inflateOnError);
      this._inflate.on('data', inflateOnData);
    }

    this._inflate[kCallback] = callback;

    this._inflate.write(data);
    if (fin) this._inflate.write(TRAILER);

    this._inflate.flush(() => {
      const err = this._inflate[kError];

      if (err) {
        this._inflate.close();
        this._inflate = null;
        callback(err);
        return;
      }

      const data = bufferUtil.concat(
        this._inflate[kBuffers],
        this._inflate[kTotalLength]
      );

      if (this._inflate._readableState.endEmitted) {
        this._inflate.close();
        this._inflate = null;
      } else {
        this._inflate[kTotalLength] = 0;
        this._inflate[kBuffers] = [];

        if (fin && this.params[`${endpoint}_no_context_takeover`]) {
          this._inflate.reset();
        }
      }

      callback(null, data);
    });
  }

  /**
   * Compress data.
   *
   * @param {(Buffer|String)} data Data to compress
   * @param {Boolean} fin Specifies whether or not this is the last fragment
   * @param {Function} callback Callback
   * @private
   */
  _compress(data, fin, callback) {
    const endpoint = this._isServer ? 'server' : 'client';

    if (!this._deflate) {
      const key = `${endpoint}_max_window_bits`;
      const windowBits =
        typeof this.params[key] !== 'number'
          ? zlib.Z_DEFAULT_WINDOWBITS
          : this.params[key];

      this._deflate = zlib.createDeflateRaw({
        ...this._options.zlibDeflateOptions,
        windowBits
      });

      this._deflate[kTotalLength] = 0;
      this._deflate[kBuffers] = [];

      this._deflate.on('data', deflateOnData);
    }

    this._deflate[kCallback] = callback;

    this._deflate.write(data);
    this._deflate.flush(zlib.Z_SYNC_FLUSH, () => {
      if (!this._deflate) {
        //
        // The deflate stream was closed while data was being processed.
        //
        return;
      }

      let data = bufferUtil.concat(
        this._deflate[kBuffers],
        this._deflate[kTotalLength]
      );

      if (fin) {
        data = new FastBuffer(data.buffer, data.byteOffset, data.length - 4);
      }

      //
      // Ensure that the callback will not be called again in
      // `PerMessageDeflate#cleanup()`.
      //
      this._deflate[kCallback] = null;

      this._deflate[kTotalLength] = 0;
      this._deflate[kBuffers] = [];

      if (fin && this.params[`${endpoint}_no_context_takeover`]) {
        this._deflate.reset();
      }

      callback(null, data);
    });
  }
}

module.exports = PerMessageDeflate;

/**
 * The listener of the `zlib.DeflateRaw` stream `'data'` event.
 *
 * @param {Buffer} chunk A chunk of data
 * @private
 */
function deflateOnData(chunk) {
  this[kBuffers].push(chunk);
  this[kTotalLength] += chunk.length;
}

/**
 * The listener of the `zlib.InflateRaw` stream `'data'` event.
 *
 * @param {Buffer} chunk A chunk of data
 * @private
 */
function inflateOnData(chunk) {
  this[kTotalLength] += chunk.length;

  if (
    this[kPerMessageDeflate]._maxPayload < 1 ||
    this[kTotalLength] <= this[kPerMessageDeflate]._maxPayload
  ) {
    this[kBuffers].push(chunk);
    return;
  }

  this[kError] = new RangeError('Max payload size exceeded');
  this[kError].code = 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';
  this[kError][kStatusCode] = 1009;
  this.removeListener('data', inflateOnData);

  //
  // The choice to employ `zlib.reset()` over `zlib.close()` is dictated by the
  // fact that in Node.js versions prior to 13.10.0, the callback for
  // `zlib.flush()` is not called if `zlib.close()` is used. Utilizing
  // `zlib.reset()` ensures that either the callback is invoked or an error is
  // emitted.
  //
  this.reset();
}

/**
 * The listener of the `zlib.InflateRaw` stream `'error'` event.
 *
 * @param {Error} err The emitted error
 * @private
 */
function inflateOnError(err) {
  //
  // There is no need to call `Zlib#close()` as the handle is automatically
  // closed when an error is emitted.
  //
  this[kPerMessageDeflate]._inflate = null;

  if (this[kError]) {
    this[kCallback](this[kError]);
    return;
  }

  err[kStatusCode] = 1007;
  this[kCallback](err);
}


/***/ }),

/***/ 893:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const { Writable } = __nccwpck_require__(203);

const PerMessageDeflate = __nccwpck_require__(376);
const {
  BINARY_TYPES,
  EMPTY_BUFFER,
  kStatusCode,
  kWebSocket
} = __nccwpck_require__(791);
const { concat, toArrayBuffer, unmask } = __nccwpck_require__(803);
const { isValidStatusCode, isValidUTF8 } = __nccwpck_require__(615);

const FastBuffer = Buffer[Symbol.species];

const GET_INFO = 0;
const GET_PAYLOAD_LENGTH_16 = 1;
const GET_PAYLOAD_LENGTH_64 = 2;
const GET_MASK = 3;
const GET_DATA = 4;
const INFLATING = 5;
const DEFER_EVENT = 6;

/**
 * HyBi Receiver implementation.
 *
 * @extends Writable
 */
class Receiver extends Writable {
  /**
   * Creates a Receiver instance.
   *
   * @param {Object} [options] Options object
   * @param {Boolean} [options.allowSynchronousEvents=true] Specifies whether
   *     any of the `'message'`, `'ping'`, and `'pong'` events can be emitted
   *     multiple times in the same tick
   * @param {String} [options.binaryType=nodebuffer] The type for binary data
   * @param {Object} [options.extensions] An object containing the negotiated
   *     extensions
   * @param {Boolean} [options.isServer=false] Specifies whether to operate in
   *     client or server mode
   * @param {Number} [options.maxBufferedChunks=0] The maximum number of
   *     buffered data chunks
   * @param {Number} [options.maxFragments=0] The maximum number of message
   *     fragments
   * @param {Number} [options.maxPayload=0] The maximum allowed message length
   * @param {Boolean} [options.skipUTF8Validation=false] Specifies whether or
   *     not to skip UTF-8 validation for text and close messages
   */
  constructor(options = {}) {
    super();

    this._allowSynchronousEvents =
      options.allowSynchronousEvents !== undefined
        ? options.allowSynchronousEvents
        : true;
    this._binaryType = options.binaryType || BINARY_TYPES[0];
    this._extensions = options.extensions || {};
    this._isServer = !!options.isServer;
    this._maxBufferedChunks = options.maxBufferedChunks | 0;
    this._maxFragments = options.maxFragments | 0;
    this._maxPayload = options.maxPayload | 0;
    this._skipUTF8Validation = !!options.skipUTF8Validation;
    this[kWebSocket] = undefined;

    this._bufferedBytes = 0;
    this._buffers = [];

    this._compressed = false;
    this._payloadLength = 0;
    this._mask = undefined;
    this._fragmented = 0;
    this._masked = false;
    this._fin = false;
    this._opcode = 0;

    this._totalPayloadLength = 0;
    this._messageLength = 0;
    this._numFragments = 0;
    this._fragments = [];

    this._errored = false;
    this._loop = false;
    this._state = GET_INFO;
  }

  /**
   * Implements `Writable.prototype._write()`.
   *
   * @param {Buffer} chunk The chunk of data to write
   * @param {String} encoding The character encoding of `chunk`
   * @param {Function} cb Callback
   * @private
   */
  _write(chunk, encoding, cb) {
    if (this._opcode === 0x08 && this._state == GET_INFO) return cb();

    if (
      this._maxBufferedChunks > 0 &&
      this._buffers.length >= this._maxBufferedChunks
    ) {
      cb(
        this.createError(
          RangeError,
          'Too many buffered chunks',
          false,
          1008,
          'WS_ERR_TOO_MANY_BUFFERED_PARTS'
        )
      );
      return;
    }

    this._bufferedBytes += chunk.length;
    this._buffers.push(chunk);
    this.startLoop(cb);
  }

  /**
   * Consumes `n` bytes from the buffered data.
   *
   * @param {Number} n The number of bytes to consume
   * @return {Buffer} The consumed bytes
   * @private
   */
  consume(n) {
    this._bufferedBytes -= n;

    if (n === this._buffers[0].length) return this._buffers.shift();

    if (n < this._buffers[0].length) {
      const buf = this._buffers[0];
      this._buffers[0] = new FastBuffer(
        buf.buffer,
        buf.byteOffset + n,
        buf.length - n
      );

      return new FastBuffer(buf.buffer, buf.byteOffset, n);
    }

    const dst = Buffer.allocUnsafe(n);

    do {
      const buf = this._buffers[0];
      const offset = dst.length - n;

      if (n >= buf.length) {
        dst.set(this._buffers.shift(), offset);
      } else {
        dst.set(new Uint8Array(buf.buffer, buf.byteOffset, n), offset);
        this._buffers[0] = new FastBuffer(
          buf.buffer,
          buf.byteOffset + n,
          buf.length - n
        );
      }

      n -= buf.length;
    } while (n > 0);

    return dst;
  }

  /**
   * Starts the parsing loop.
   *
   * @param {Function} cb Callback
   * @private
   */
  startLoop(cb) {
    this._loop = true;

    do {
      switch (this._state) {
        case GET_INFO:
          this.getInfo(cb);
          break;
        case GET_PAYLOAD_LENGTH_16:
          this.getPayloadLength16(cb);
          break;
        case GET_PAYLOAD_LENGTH_64:
          this.getPayloadLength64(cb);
          break;
        case GET_MASK:
          this.getMask();
          break;
        case GET_DATA:
          this.getData(cb);
          break;
        case INFLATING:
        case DEFER_EVENT:
          this._loop = false;
          return;
      }
    } while (this._loop);

    if (!this._errored) cb();
  }

  /**
   * Reads the first two bytes of a frame.
   *
   * @param {Function} cb Callback
   * @private
   */
  getInfo(cb) {
    if (this._bufferedBytes < 2) {
      this._loop = false;
      return;
    }

    const buf = this.consume(2);

    if ((buf[0] & 0x30) !== 0x00) {
      const error = this.createError(
        RangeError,
        'RSV2 and RSV3 must be clear',
        true,
        1002,
        'WS_ERR_UNEXPECTED_RSV_2_3'
      );

      cb(error);
      return;
    }

    const compressed = (buf[0] & 0x40) === 0x40;

    if (compressed && !this._extensions[PerMessageDeflate.extensionName]) {
      const error = this.createError(
        RangeError,
        'RSV1 must be clear',
        true,
        1002,
        'WS_ERR_UNEXPECTED_RSV_1'
      );

      cb(error);
      return;
    }

    this._fin = (buf[0] & 0x80) === 0x80;
    this._opcode = buf[0] & 0x0f;
    this._payloadLength = buf[1] & 0x7f;

    if (this._opcode === 0x00) {
      if (compressed) {
        const error = this.createError(
          RangeError,
          'RSV1 must be clear',
          true,
          1002,
          'WS_ERR_UNEXPECTED_RSV_1'
        );

        cb(error);
        return;
      }

      if (!this._fragmented) {
        const error = this.createError(
          RangeError,
          'invalid opcode 0',
          true,
          1002,
          'WS_ERR_INVALID_OPCODE'
        );

        cb(error);
        return;
      }

      this._opcode = this._fragmented;
    } else if (this._opcode === 0x01 || this._opcode === 0x02) {
      if (this._fragmented) {
        const error = this.createError(
          RangeError,
          `invalid opcode ${this._opcode}`,
          true,
          1002,
          'WS_ERR_INVALID_OPCODE'
        );

        cb(error);
        return;
      }

      this._compressed = compressed;
    } else if (this._opcode > 0x07 && this._opcode < 0x0b) {
      if (!this._fin) {
        const error = this.createError(
          RangeError,
          'FIN must be set',
          true,
          1002,
          'WS_ERR_EXPECTED_FIN'
        );

        cb(error);
        return;
      }

      if (compressed) {
        const error = this.createError(
          RangeError,
          'RSV1 must be clear',
          true,
          1002,
          'WS_ERR_UNEXPECTED_RSV_1'
        );

        cb(error);
        return;
      }

      if (
        this._payloadLength > 0x7d ||
        (this._opcode === 0x08 && this._payloadLength === 1)
      ) {
        const error = this.createError(
          RangeError,
          `invalid payload length ${this._payloadLength}`,
          true,
          1002,
          'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH'
        );

        cb(error);
        return;
      }
    } else {
      const error = this.createError(
        RangeError,
        `invalid opcode ${this._opcode}`,
        true,
        1002,
        'WS_ERR_INVALID_OPCODE'
      );

      cb(error);
      return;
    }

    if (!this._fin && !this._fragmented) this._fragmented = this._opcode;
    this._masked = (buf[1] & 0x80) === 0x80;

    if (this._isServer) {
      if (!this._masked) {
        const error = this.createError(
          RangeError,
          'MASK must be set',
          true,
          1002,
          'WS_ERR_EXPECTED_MASK'
        );

        cb(error);
        return;
      }
    } else if (this._masked) {
      const error = this.createError(
        RangeError,
        'MASK must be clear',
        true,
        1002,
        'WS_ERR_UNEXPECTED_MASK'
      );

      cb(error);
      return;
    }

    if (this._payloadLength === 126) this._state = GET_PAYLOAD_LENGTH_16;
    else if (this._payloadLength === 127) this._state = GET_PAYLOAD_LENGTH_64;
    else this.haveLength(cb);
  }

  /**
   * Gets extended payload length (7+16).
   *
   * @param {Function} cb Callback
   * @private
   */
  getPayloadLength16(cb) {
    if (this._bufferedBytes < 2) {
      this._loop = false;
      return;
    }

    this._payloadLength = this.consume(2).readUInt16BE(0);
    this.haveLength(cb);
  }

  /**
   * Gets extended payload length (7+64).
   *
   * @param {Function} cb Callback
   * @private
   */
  getPayloadLength64(cb) {
    if (this._bufferedBytes < 8) {
      this._loop = false;
      return;
    }

    const buf = this.consume(8);
    const num = buf.readUInt32BE(0);

    //
    // The maximum safe integer in JavaScript is 2^53 - 1. An error is returned
    // if payload length is greater than this number.
    //
    if (num > Math.pow(2, 53 - 32) - 1) {
      const error = this.createError(
        RangeError,
        'Unsupported WebSocket frame: payload length > 2^53 - 1',
        false,
        1009,
        'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH'
      );

      cb(error);
      return;
    }

    this._payloadLength = num * Math.pow(2, 32) + buf.readUInt32BE(4);
    this.haveLength(cb);
  }

  /**
   * Payload length has been read.
   *
   * @param {Function} cb Callback
   * @private
   */
  haveLength(cb) {
    if (this._payloadLength && this._opcode < 0x08) {
      this._totalPayloadLength += this._payloadLength;
      if (this._totalPayloadLength > this._maxPayload && this._maxPayload > 0) {
        const error = this.createError(
          RangeError,
          'Max payload size exceeded',
          false,
          1009,
          'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH'
        );

        cb(error);
        return;
      }
    }

    if (this._masked) this._state = GET_MASK;
    else this._state = GET_DATA;
  }

  /**
   * Reads mask bytes.
   *
   * @private
   */
  getMask() {
    if (this._bufferedBytes < 4) {
      this._loop = false;
      return;
    }

    this._mask = this.consume(4);
    this._state = GET_DATA;
  }

  /**
   * Reads data bytes.
   *
   * @param {Function} cb Callback
   * @private
   */
  getData(cb) {
    let data = EMPTY_BUFFER;

    if (this._payloadLength) {
      if (this._bufferedBytes < this._payloadLength) {
        this._loop = false;
        return;
      }

      data = this.consume(this._payloadLength);

      if (
        this._masked &&
        (this._mask[0] | this._mask[1] | this._mask[2] | this._mask[3]) !== 0
      ) {
        unmask(data, this._mask);
      }
    }

    //
    // The mask is a view into the buffer the stream delivered, which is commonly
    // 64 KiB, and it is not needed once the payload above has been unmasked.
    // Leaving it set would pin that whole buffer until the next frame arrives,
    // which on an idle connection can be indefinitely.
    //
    this._mask = undefined;

    if (this._opcode > 0x07) {
      this.controlMessage(data, cb);
      return;
    }

    if (this._maxFragments > 0 && ++this._numFragments > this._maxFragments) {
      const error = this.createError(
        RangeError,
        'Too many message fragments',
        false,
        1008,
        'WS_ERR_TOO_MANY_BUFFERED_PARTS'
      );

      cb(error);
      return;
    }

    if (this._compressed) {
      this._state = INFLATING;
      this.decompress(data, cb);
      return;
    }

    if (data.length) {
      //
      // This message is not compressed so its length is the sum of the payload
      // length of all fragments.
      //
      this._messageLength = this._totalPayloadLength;
      this._fragments.push(data);
    }

    this.dataMessage(cb);
  }

  /**
   * Decompresses data.
   *
   * @param {Buffer} data Compressed data
   * @param {Function} cb Callback
   * @private
   */
  decompress(data, cb) {
    const perMessageDeflate = this._extensions[PerMessageDeflate.extensionName];

    perMessageDeflate.decompress(data, this._fin, (err, buf) => {
      if (err) return cb(err);

      if (buf.length) {
        this._messageLength += buf.length;
        if (this._messageLength > this._maxPayload && this._maxPayload > 0) {
          const error = this.createError(
            RangeError,
            'Max payload size exceeded',
            false,
            1009,
            'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH'
          );

          cb(error);
          return;
        }

        this._fragments.push(buf);
      }

      this.dataMessage(cb);
      if (this._state === GET_INFO) this.startLoop(cb);
    });
  }

  /**
   * Handles a data message.
   *
   * @param {Function} cb Callback
   * @private
   */
  dataMessage(cb) {
    if (!this._fin) {
      this._state = GET_INFO;
      return;
    }

    const messageLength = this._messageLength;
    const fragments = this._fragments;

    this._totalPayloadLength = 0;
    this._messageLength = 0;
    this._fragmented = 0;
    this._numFragments = 0;
    this._fragments = [];

    if (this._opcode === 2) {
      let data;

      if (this._binaryType === 'nodebuffer') {
        data = concat(fragments, messageLength);
      } else if (this._binaryType === 'arraybuffer') {
        data = toArrayBuffer(concat(fragments, messageLength));
      } else if (this._binaryType === 'blob') {
        data = new Blob(fragments);
      } else {
        data = fragments;
      }

      if (this._allowSynchronousEvents) {
        this.emit('message', data, true);
        this._state = GET_INFO;
      } else {
        this._state = DEFER_EVENT;
        setImmediate(() => {
          this.emit('message', data, true);
          this._state = GET_INFO;
          this.startLoop(cb);
        });
      }
    } else {
      const buf = concat(fragments, messageLength);

      if (!this._skipUTF8Validation && !isValidUTF8(buf)) {
        const error = this.createError(
          Error,
          'invalid UTF-8 sequence',
          true,
          1007,
          'WS_ERR_INVALID_UTF8'
        );

        cb(error);
        return;
      }

      if (this._state === INFLATING || this._allowSynchronousEvents) {
        this.emit('message', buf, false);
        this._state = GET_INFO;
      } else {
        this._state = DEFER_EVENT;
        setImmediate(() => {
          this.emit('message', buf, false);
          this._state = GET_INFO;
          this.startLoop(cb);
        });
      }
    }
  }

  /**
   * Handles a control message.
   *
   * @param {Buffer} data Data to handle
   * @return {(Error|RangeError|undefined)} A possible error
   * @private
   */
  controlMessage(data, cb) {
    if (this._opcode === 0x08) {
      if (data.length === 0) {
        this._loop = false;
        this.emit('conclude', 1005, EMPTY_BUFFER);
        this.end();
      } else {
        const code = data.readUInt16BE(0);

        if (!isValidStatusCode(code)) {
          const error = this.createError(
            RangeError,
            `invalid status code ${code}`,
            true,
            1002,
            'WS_ERR_INVALID_CLOSE_CODE'
          );

          cb(error);
          return;
        }

        const buf = new FastBuffer(
          data.buffer,
          data.byteOffset + 2,
          data.length - 2
        );

        if (!this._skipUTF8Validation && !isValidUTF8(buf)) {
          const error = this.createError(
            Error,
            'invalid UTF-8 sequence',
            true,
            1007,
            'WS_ERR_INVALID_UTF8'
          );

          cb(error);
          return;
        }

        this._loop = false;
        this.emit('conclude', code, buf);
        this.end();
      }

      this._state = GET_INFO;
      return;
    }

    if (this._allowSynchronousEvents) {
      this.emit(this._opcode === 0x09 ? 'ping' : 'pong', data);
      this._state = GET_INFO;
    } else {
      this._state = DEFER_EVENT;
      setImmediate(() => {
        this.emit(this._opcode === 0x09 ? 'ping' : 'pong', data);
        this._state = GET_INFO;
        this.startLoop(cb);
      });
    }
  }

  /**
   * Builds an error object.
   *
   * @param {function(new:Error|RangeError)} ErrorCtor The error constructor
   * @param {String} message The error message
   * @param {Boolean} prefix Specifies whether or not to add a default prefix to
   *     `message`
   * @param {Number} statusCode The status code
   * @param {String} errorCode The exposed error code
   * @return {(Error|RangeError)} The error
   * @private
   */
  createError(ErrorCtor, message, prefix, statusCode, errorCode) {
    this._loop = false;
    this._errored = true;

    const err = new ErrorCtor(
      prefix ? `Invalid WebSocket frame: ${message}` : message
    );

    Error.captureStackTrace(err, this.createError);
    err.code = errorCode;
    err[kStatusCode] = statusCode;
    return err;
  }
}

module.exports = Receiver;


/***/ }),

/***/ 389:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

/* eslint no-unused-vars: ["error", { "varsIgnorePattern": "^Duplex" }] */



const { Duplex } = __nccwpck_require__(203);
const { randomFillSync } = __nccwpck_require__(982);
const {
  types: { isUint8Array }
} = __nccwpck_require__(23);

const PerMessageDeflate = __nccwpck_require__(376);
const { EMPTY_BUFFER, kWebSocket, NOOP } = __nccwpck_require__(791);
const { isBlob, isValidStatusCode } = __nccwpck_require__(615);
const { mask: applyMask, toBuffer } = __nccwpck_require__(803);

const kByteLength = Symbol('kByteLength');
const maskBuffer = Buffer.alloc(4);
const RANDOM_POOL_SIZE = 8 * 1024;
let randomPool;
let randomPoolPointer = RANDOM_POOL_SIZE;

const DEFAULT = 0;
const DEFLATING = 1;
const GET_BLOB_DATA = 2;

/**
 * HyBi Sender implementation.
 */
class Sender {
  /**
   * Creates a Sender instance.
   *
   * @param {Duplex} socket The connection socket
   * @param {Object} [extensions] An object containing the negotiated extensions
   * @param {Function} [generateMask] The function used to generate the masking
   *     key
   */
  constructor(socket, extensions, generateMask) {
    this._extensions = extensions || {};

    if (generateMask) {
      this._generateMask = generateMask;
      this._maskBuffer = Buffer.alloc(4);
    }

    this._socket = socket;

    this._firstFragment = true;
    this._compress = false;

    this._bufferedBytes = 0;
    this._queue = [];
    this._state = DEFAULT;
    this.onerror = NOOP;
    this[kWebSocket] = undefined;
  }

  /**
   * Frames a piece of data according to the HyBi WebSocket protocol.
   *
   * @param {(Buffer|String)} data The data to frame
   * @param {Object} options Options object
   * @param {Boolean} [options.fin=false] Specifies whether or not to set the
   *     FIN bit
   * @param {Function} [options.generateMask] The function used to generate the
   *     masking key
   * @param {Boolean} [options.mask=false] Specifies whether or not to mask
   *     `data`
   * @param {Buffer} [options.maskBuffer] The buffer used to store the masking
   *     key
   * @param {Number} options.opcode The opcode
   * @param {Boolean} [options.readOnly=false] Specifies whether `data` can be
   *     modified
   * @param {Boolean} [options.rsv1=false] Specifies whether or not to set the
   *     RSV1 bit
   * @return {(Buffer|String)[]} The framed data
   * @public
   */
  static frame(data, options) {
    let mask;
    let merge = false;
    let offset = 2;
    let skipMasking = false;

    if (options.mask) {
      mask = options.maskBuffer || maskBuffer;

      if (options.generateMask) {
        options.generateMask(mask);
      } else {
        if (randomPoolPointer === RANDOM_POOL_SIZE) {
          /* istanbul ignore else  */
          if (randomPool === undefined) {
            //
            // This is lazily initialized because server-sent frames must not
            // be masked so it may never be used.
            //
            randomPool = Buffer.alloc(RANDOM_POOL_SIZE);
          }

          randomFillSync(randomPool, 0, RANDOM_POOL_SIZE);
          randomPoolPointer = 0;
        }

        mask[0] = randomPool[randomPoolPointer++];
        mask[1] = randomPool[randomPoolPointer++];
        mask[2] = randomPool[randomPoolPointer++];
        mask[3] = randomPool[randomPoolPointer++];
      }

      skipMasking = (mask[0] | mask[1] | mask[2] | mask[3]) === 0;
      offset = 6;
    }

    let dataLength;

    if (typeof data === 'string') {
      if (
        (!options.mask || skipMasking) &&
        options[kByteLength] !== undefined
      ) {
        dataLength = options[kByteLength];
      } else {
        data = Buffer.from(data);
        dataLength = data.length;
      }
    } else {
      dataLength = data.length;
      merge = options.mask && options.readOnly && !skipMasking;
    }

    let payloadLength = dataLength;

    if (dataLength >= 65536) {
      offset += 8;
      payloadLength = 127;
    } else if (dataLength > 125) {
      offset += 2;
      payloadLength = 126;
    }

    const target = Buffer.allocUnsafe(merge ? dataLength + offset : offset);

    target[0] = options.fin ? options.opcode | 0x80 : options.opcode;
    if (options.rsv1) target[0] |= 0x40;

    target[1] = payloadLength;

    if (payloadLength === 126) {
      target.writeUInt16BE(dataLength, 2);
    } else if (payloadLength === 127) {
      target[2] = target[3] = 0;
      target.writeUIntBE(dataLength, 4, 6);
    }

    if (!options.mask) {
      return dataLength ? [target, data] : [target];
    }

    target[1] |= 0x80;
    target[offset - 4] = mask[0];
    target[offset - 3] = mask[1];
    target[offset - 2] = mask[2];
    target[offset - 1] = mask[3];

    if (!dataLength) return [target];
    if (skipMasking) return [target, data];

    if (merge) {
      applyMask(data, mask, target, offset, dataLength);
      return [target];
    }

    applyMask(data, mask, data, 0, dataLength);
    return [target, data];
  }

  /**
   * Sends a close message to the other peer.
   *
   * @param {Number} [code] The status code component of the body
   * @param {(String|Buffer)} [data] The message component of the body
   * @param {Boolean} [mask=false] Specifies whether or not to mask the message
   * @param {Function} [cb] Callback
   * @public
   */
  close(code, data, mask, cb) {
    let buf;

    if (code === undefined) {
      buf = EMPTY_BUFFER;
    } else if (typeof code !== 'number' || !isValidStatusCode(code)) {
      throw new TypeError('First argument must be a valid error code number');
    } else if (data === undefined || !data.length) {
      buf = Buffer.allocUnsafe(2);
      buf.writeUInt16BE(code, 0);
    } else {
      const length = Buffer.byteLength(data);

      if (length > 123) {
        throw new RangeError('The message must not be greater than 123 bytes');
      }

      buf = Buffer.allocUnsafe(2 + length);
      buf.writeUInt16BE(code, 0);

      if (typeof data === 'string') {
        buf.write(data, 2);
      } else if (isUint8Array(data)) {
        buf.set(data, 2);
      } else {
        throw new TypeError('Second argument must be a string or a Uint8Array');
      }
    }

    const options = {
      [kByteLength]: buf.length,
      fin: true,
      generateMask: this._generateMask,
      mask,
      maskBuffer: this._maskBuffer,
      opcode: 0x08,
      readOnly: false,
      rsv1: false
    };

    if (this._state !== DEFAULT) {
      this.enqueue([this.dispatch, buf, false, options, cb]);
    } else {
      this.sendFrame(Sender.frame(buf, options), cb);
    }
  }

  /**
   * Sends a ping message to the other peer.
   *
   * @param {*} data The message to send
   * @param {Boolean} [mask=false] Specifies whether or not to mask `data`
   * @param {Function} [cb] Callback
   * @public
   */
  ping(data, mask, cb) {
    let byteLength;
    let readOnly;

    if (typeof data === 'string') {
      byteLength = Buffer.byteLength(data);
      readOnly = false;
    } else if (isBlob(data)) {
      byteLength = data.size;
      readOnly = false;
    } else {
      data = toBuffer(data);
      byteLength = data.length;
      readOnly = toBuffer.readOnly;
    }

    if (byteLength > 125) {
      throw new RangeError('The data size must not be greater than 125 bytes');
    }

    const options = {
      [kByteLength]: byteLength,
      fin: true,
      generateMask: this._generateMask,
      mask,
      maskBuffer: this._maskBuffer,
      opcode: 0x09,
      readOnly,
      rsv1: false
    };

    if (isBlob(data)) {
      if (this._state !== DEFAULT) {
        this.enqueue([this.getBlobData, data, false, options, cb]);
      } else {
        this.getBlobData(data, false, options, cb);
      }
    } else if (this._state !== DEFAULT) {
      this.enqueue([this.dispatch, data, false, options, cb]);
    } else {
      this.sendFrame(Sender.frame(data, options), cb);
    }
  }

  /**
   * Sends a pong message to the other peer.
   *
   * @param {*} data The message to send
   * @param {Boolean} [mask=false] Specifies whether or not to mask `data`
   * @param {Function} [cb] Callback
   * @public
   */
  pong(data, mask, cb) {
    let byteLength;
    let readOnly;

    if (typeof data === 'string') {
      byteLength = Buffer.byteLength(data);
      readOnly = false;
    } else if (isBlob(data)) {
      byteLength = data.size;
      readOnly = false;
    } else {
      data = toBuffer(data);
      byteLength = data.length;
      readOnly = toBuffer.readOnly;
    }

    if (byteLength > 125) {
      throw new RangeError('The data size must not be greater than 125 bytes');
    }

    const options = {
      [kByteLength]: byteLength,
      fin: true,
      generateMask: this._generateMask,
      mask,
      maskBuffer: this._maskBuffer,
      opcode: 0x0a,
      readOnly,
      rsv1: false
    };

    if (isBlob(data)) {
      if (this._state !== DEFAULT) {
        this.enqueue([this.getBlobData, data, false, options, cb]);
      } else {
        this.getBlobData(data, false, options, cb);
      }
    } else if (this._state !== DEFAULT) {
      this.enqueue([this.dispatch, data, false, options, cb]);
    } else {
      this.sendFrame(Sender.frame(data, options), cb);
    }
  }

  /**
   * Sends a data message to the other peer.
   *
   * @param {*} data The message to send
   * @param {Object} options Options object
   * @param {Boolean} [options.binary=false] Specifies whether `data` is binary
   *     or text
   * @param {Boolean} [options.compress=false] Specifies whether or not to
   *     compress `data`
   * @param {Boolean} [options.fin=false] Specifies whether the fragment is the
   *     last one
   * @param {Boolean} [options.mask=false] Specifies whether or not to mask
   *     `data`
   * @param {Function} [cb] Callback
   * @public
   */
  send(data, options, cb) {
    const perMessageDeflate = this._extensions[PerMessageDeflate.extensionName];
    let opcode = options.binary ? 2 : 1;
    let rsv1 = options.compress;

    let byteLength;
    let readOnly;

    if (typeof data === 'string') {
      byteLength = Buffer.byteLength(data);
      readOnly = false;
    } else if (isBlob(data)) {
      byteLength = data.size;
      readOnly = false;
    } else {
      data = toBuffer(data);
      byteLength = data.length;
      readOnly = toBuffer.readOnly;
    }

    if (this._firstFragment) {
      this._firstFragment = false;
      if (
        rsv1 &&
        perMessageDeflate &&
        perMessageDeflate.params[
          perMessageDeflate._isServer
            ? 'server_no_context_takeover'
            : 'client_no_context_takeover'
        ]
      ) {
        rsv1 = byteLength >= perMessageDeflate._threshold;
      }
      this._compress = rsv1;
    } else {
      rsv1 = false;
      opcode = 0;
    }

    if (options.fin) this._firstFragment = true;

    const opts = {
      [kByteLength]: byteLength,
      fin: options.fin,
      generateMask: this._generateMask,
      mask: options.mask,
      maskBuffer: this._maskBuffer,
      opcode,
      readOnly,
      rsv1
    };

    if (isBlob(data)) {
      if (this._state !== DEFAULT) {
        this.enqueue([this.getBlobData, data, this._compress, opts, cb]);
      } else {
        this.getBlobData(data, this._compress, opts, cb);
      }
    } else if (this._state !== DEFAULT) {
      this.enqueue([this.dispatch, data, this._compress, opts, cb]);
    } else {
      this.dispatch(data, this._compress, opts, cb);
    }
  }

  /**
   * Gets the contents of a blob as binary data.
   *
   * @param {Blob} blob The blob
   * @param {Boolean} [compress=false] Specifies whether or not to compress
   *     the data
   * @param {Object} options Options object
   * @param {Boolean} [options.fin=false] Specifies whether or not to set the
   *     FIN bit
   * @param {Function} [options.generateMask] The function used to generate the
   *     masking key
   * @param {Boolean} [options.mask=false] Specifies whether or not to mask
   *     `data`
   * @param {Buffer} [options.maskBuffer] The buffer used to store the masking
   *     key
   * @param {Number} options.opcode The opcode
   * @param {Boolean} [options.readOnly=false] Specifies whether `data` can be
   *     modified
   * @param {Boolean} [options.rsv1=false] Specifies whether or not to set the
   *     RSV1 bit
   * @param {Function} [cb] Callback
   * @private
   */
  getBlobData(blob, compress, options, cb) {
    this._bufferedBytes += options[kByteLength];
    this._state = GET_BLOB_DATA;

    blob
      .arrayBuffer()
      .then((arrayBuffer) => {
        if (this._socket.destroyed) {
          const err = new Error(
            'The socket was closed while the blob was being read'
          );

          //
          // `callCallbacks` is called in the next tick to ensure that errors
          // that might be thrown in the callbacks behave like errors thrown
          // outside the promise chain.
          //
          process.nextTick(callCallbacks, this, err, cb);
          return;
        }

        this._bufferedBytes -= options[kByteLength];
        const data = toBuffer(arrayBuffer);

        if (!compress) {
          this._state = DEFAULT;
          this.sendFrame(Sender.frame(data, options), cb);
          this.dequeue();
        } else {
          this.dispatch(data, compress, options, cb);
        }
      })
      .catch((err) => {
        //
        // `onError` is called in the next tick for the same reason that
        // `callCallbacks` above is.
        //
        process.nextTick(onError, this, err, cb);
      });
  }

  /**
   * Dispatches a message.
   *
   * @param {(Buffer|String)} data The message to send
   * @param {Boolean} [compress=false] Specifies whether or not to compress
   *     `data`
   * @param {Object} options Options object
   * @param {Boolean} [options.fin=false] Specifies whether or not to set the
   *     FIN bit
   * @param {Function} [options.generateMask] The function used to generate the
   *     masking key
   * @param {Boolean} [options.mask=false] Specifies whether or not to mask
   *     `data`
   * @param {Buffer} [options.maskBuffer] The buffer used to store the masking
   *     key
   * @param {Number} options.opcode The opcode
   * @param {Boolean} [options.readOnly=false] Specifies whether `data` can be
   *     modified
   * @param {Boolean} [options.rsv1=false] Specifies whether or not to set the
   *     RSV1 bit
   * @param {Function} [cb] Callback
   * @private
   */
  dispatch(data, compress, options, cb) {
    if (!compress) {
      this.sendFrame(Sender.frame(data, options), cb);
      return;
    }

    const perMessageDeflate = this._extensions[PerMessageDeflate.extensionName];

    this._bufferedBytes += options[kByteLength];
    this._state = DEFLATING;
    perMessageDeflate.compress(data, options.fin, (_, buf) => {
      if (this._socket.destroyed) {
        const err = new Error(
          'The socket was closed while data was being compressed'
        );

        callCallbacks(this, err, cb);
        return;
      }

      this._bufferedBytes -= options[kByteLength];
      this._state = DEFAULT;
      options.readOnly = false;
      this.sendFrame(Sender.frame(buf, options), cb);
      this.dequeue();
    });
  }

  /**
   * Executes queued send operations.
   *
   * @private
   */
  dequeue() {
    while (this._state === DEFAULT && this._queue.length) {
      const params = this._queue.shift();

      this._bufferedBytes -= params[3][kByteLength];
      Reflect.apply(params[0], this, params.slice(1));
    }
  }

  /**
   * Enqueues a send operation.
   *
   * @param {Array} params Send operation parameters.
   * @private
   */
  enqueue(params) {
    this._bufferedBytes += params[3][kByteLength];
    this._queue.push(params);
  }

  /**
   * Sends a frame.
   *
   * @param {(Buffer | String)[]} list The frame to send
   * @param {Function} [cb] Callback
   * @private
   */
  sendFrame(list, cb) {
    if (list.length === 2) {
      this._socket.cork();
      this._socket.write(list[0]);
      this._socket.write(list[1], cb);
      this._socket.uncork();
    } else {
      this._socket.write(list[0], cb);
    }
  }
}

module.exports = Sender;

/**
 * Calls queued callbacks with an error.
 *
 * @param {Sender} sender The `Sender` instance
 * @param {Error} err The error to call the callbacks with
 * @param {Function} [cb] The first callback
 * @private
 */
function callCallbacks(sender, err, cb) {
  if (typeof cb === 'function') cb(err);

  for (let i = 0; i < sender._queue.length; i++) {
    const params = sender._queue[i];
    const callback = params[params.length - 1];

    if (typeof callback === 'function') callback(err);
  }
}

/**
 * Handles a `Sender` error.
 *
 * @param {Sender} sender The `Sender` instance
 * @param {Error} err The error
 * @param {Function} [cb] The first pending callback
 * @private
 */
function onError(sender, err, cb) {
  callCallbacks(sender, err, cb);
  sender.onerror(err);
}


/***/ }),

/***/ 412:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

/* eslint no-unused-vars: ["error", { "varsIgnorePattern": "^WebSocket$" }] */


const WebSocket = __nccwpck_require__(681);
const { Duplex } = __nccwpck_require__(203);

/**
 * Emits the `'close'` event on a stream.
 *
 * @param {Duplex} stream The stream.
 * @private
 */
function emitClose(stream) {
  stream.emit('close');
}

/**
 * The listener of the `'end'` event.
 *
 * @private
 */
function duplexOnEnd() {
  if (!this.destroyed && this._writableState.finished) {
    this.destroy();
  }
}

/**
 * The listener of the `'error'` event.
 *
 * @param {Error} err The error
 * @private
 */
function duplexOnError(err) {
  this.removeListener('error', duplexOnError);
  this.destroy();
  if (this.listenerCount('error') === 0) {
    // Do not suppress the throwing behavior.
    this.emit('error', err);
  }
}

/**
 * Wraps a `WebSocket` in a duplex stream.
 *
 * @param {WebSocket} ws The `WebSocket` to wrap
 * @param {Object} [options] The options for the `Duplex` constructor
 * @return {Duplex} The duplex stream
 * @public
 */
function createWebSocketStream(ws, options) {
  let terminateOnDestroy = true;

  const duplex = new Duplex({
    ...options,
    autoDestroy: false,
    emitClose: false,
    objectMode: false,
    writableObjectMode: false
  });

  ws.on('message', function message(msg, isBinary) {
    const data =
      !isBinary && duplex._readableState.objectMode ? msg.toString() : msg;

    if (!duplex.push(data)) ws.pause();
  });

  ws.once('error', function error(err) {
    if (duplex.destroyed) return;

    // Prevent `ws.terminate()` from being called by `duplex._destroy()`.
    //
    // - If the `'error'` event is emitted before the `'open'` event, then
    //   `ws.terminate()` is a noop as no socket is assigned.
    // - Otherwise, the error is re-emitted by the listener of the `'error'`
    //   event of the `Receiver` object. The listener already closes the
    //   connection by calling `ws.close()`. This allows a close frame to be
    //   sent to the other peer. If `ws.terminate()` is called right after this,
    //   then the close frame might not be sent.
    terminateOnDestroy = false;
    duplex.destroy(err);
  });

  ws.once('close', function close() {
    if (duplex.destroyed) return;

    duplex.push(null);
  });

  duplex._destroy = function (err, callback) {
    if (ws.readyState === ws.CLOSED) {
      callback(err);
      process.nextTick(emitClose, duplex);
      return;
    }

    let called = false;

    ws.once('error', function error(err) {
      called = true;
      callback(err);
    });

    ws.once('close', function close() {
      if (!called) callback(err);
      process.nextTick(emitClose, duplex);
    });

    if (terminateOnDestroy) ws.terminate();
  };

  duplex._final = function (callback) {
    if (ws.readyState === ws.CONNECTING) {
      ws.once('open', function open() {
        duplex._final(callback);
      });
      return;
    }

    // If the value of the `_socket` property is `null` it means that `ws` is a
    // client websocket and the handshake failed. In fact, when this happens, a
    // socket is never assigned to the websocket. Wait for the `'error'` event
    // that will be emitted by the websocket.
    if (ws._socket === null) return;

    if (ws._socket._writableState.finished) {
      callback();
      if (duplex._readableState.endEmitted) duplex.destroy();
    } else {
      ws._socket.once('finish', function finish() {
        // `duplex` is not destroyed here because the `'end'` event will be
        // emitted on `duplex` after this `'finish'` event. The EOF signaling
        // `null` chunk is, in fact, pushed when the websocket emits `'close'`.
        callback();
      });
      ws.close();
    }
  };

  duplex._read = function () {
    if (ws.isPaused) ws.resume();
  };

  duplex._write = function (chunk, encoding, callback) {
    if (ws.readyState === ws.CONNECTING) {
      ws.once('open', function open() {
        duplex._write(chunk, encoding, callback);
      });
      return;
    }

    ws.send(chunk, callback);
  };

  duplex.on('end', duplexOnEnd);
  duplex.on('error', duplexOnError);
  return duplex;
}

module.exports = createWebSocketStream;


/***/ }),

/***/ 332:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const { tokenChars } = __nccwpck_require__(615);

/**
 * Parses the `Sec-WebSocket-Protocol` header into a set of subprotocol names.
 *
 * @param {String} header The field value of the header
 * @return {Set} The subprotocol names
 * @public
 */
function parse(header) {
  const protocols = new Set();
  let start = -1;
  let end = -1;
  let i = 0;

  for (i; i < header.length; i++) {
    const code = header.charCodeAt(i);

    if (end === -1 && tokenChars[code] === 1) {
      if (start === -1) start = i;
    } else if (
      i !== 0 &&
      (code === 0x20 /* ' ' */ || code === 0x09) /* '\t' */
    ) {
      if (end === -1 && start !== -1) end = i;
    } else if (code === 0x2c /* ',' */) {
      if (start === -1) {
        throw new SyntaxError(`Unexpected character at index ${i}`);
      }

      if (end === -1) end = i;

      const protocol = header.slice(start, end);

      if (protocols.has(protocol)) {
        throw new SyntaxError(`The "${protocol}" subprotocol is duplicated`);
      }

      protocols.add(protocol);
      start = end = -1;
    } else {
      throw new SyntaxError(`Unexpected character at index ${i}`);
    }
  }

  if (start === -1 || end !== -1) {
    throw new SyntaxError('Unexpected end of input');
  }

  const protocol = header.slice(start, i);

  if (protocols.has(protocol)) {
    throw new SyntaxError(`The "${protocol}" subprotocol is duplicated`);
  }

  protocols.add(protocol);
  return protocols;
}

module.exports = { parse };


/***/ }),

/***/ 615:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const { isUtf8 } = __nccwpck_require__(181);

const { hasBlob } = __nccwpck_require__(791);

//
// Allowed token characters:
//
// '!', '#', '$', '%', '&', ''', '*', '+', '-',
// '.', 0-9, A-Z, '^', '_', '`', a-z, '|', '~'
//
// tokenChars[32] === 0 // ' '
// tokenChars[33] === 1 // '!'
// tokenChars[34] === 0 // '"'
// ...
//
// prettier-ignore
const tokenChars = [
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 0 - 15
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 16 - 31
  0, 1, 0, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 1, 1, 0, // 32 - 47
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, // 48 - 63
  0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, // 64 - 79
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, // 80 - 95
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, // 96 - 111
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 0 // 112 - 127
];

/**
 * Checks if a status code is allowed in a close frame.
 *
 * @param {Number} code The status code
 * @return {Boolean} `true` if the status code is valid, else `false`
 * @public
 */
function isValidStatusCode(code) {
  return (
    (code >= 1000 &&
      code <= 1014 &&
      code !== 1004 &&
      code !== 1005 &&
      code !== 1006) ||
    (code >= 3000 && code <= 4999)
  );
}

/**
 * Checks if a given buffer contains only correct UTF-8.
 * Ported from https://www.cl.cam.ac.uk/%7Emgk25/ucs/utf8_check.c by
 * Markus Kuhn.
 *
 * @param {Buffer} buf The buffer to check
 * @return {Boolean} `true` if `buf` contains only correct UTF-8, else `false`
 * @public
 */
function _isValidUTF8(buf) {
  const len = buf.length;
  let i = 0;

  while (i < len) {
    if ((buf[i] & 0x80) === 0) {
      // 0xxxxxxx
      i++;
    } else if ((buf[i] & 0xe0) === 0xc0) {
      // 110xxxxx 10xxxxxx
      if (
        i + 1 === len ||
        (buf[i + 1] & 0xc0) !== 0x80 ||
        (buf[i] & 0xfe) === 0xc0 // Overlong
      ) {
        return false;
      }

      i += 2;
    } else if ((buf[i] & 0xf0) === 0xe0) {
      // 1110xxxx 10xxxxxx 10xxxxxx
      if (
        i + 2 >= len ||
        (buf[i + 1] & 0xc0) !== 0x80 ||
        (buf[i + 2] & 0xc0) !== 0x80 ||
        (buf[i] === 0xe0 && (buf[i + 1] & 0xe0) === 0x80) || // Overlong
        (buf[i] === 0xed && (buf[i + 1] & 0xe0) === 0xa0) // Surrogate (U+D800 - U+DFFF)
      ) {
        return false;
      }

      i += 3;
    } else if ((buf[i] & 0xf8) === 0xf0) {
      // 11110xxx 10xxxxxx 10xxxxxx 10xxxxxx
      if (
        i + 3 >= len ||
        (buf[i + 1] & 0xc0) !== 0x80 ||
        (buf[i + 2] & 0xc0) !== 0x80 ||
        (buf[i + 3] & 0xc0) !== 0x80 ||
        (buf[i] === 0xf0 && (buf[i + 1] & 0xf0) === 0x80) || // Overlong
        (buf[i] === 0xf4 && buf[i + 1] > 0x8f) ||
        buf[i] > 0xf4 // > U+10FFFF
      ) {
        return false;
      }

      i += 4;
    } else {
      return false;
    }
  }

  return true;
}

/**
 * Determines whether a value is a `Blob`.
 *
 * @param {*} value The value to be tested
 * @return {Boolean} `true` if `value` is a `Blob`, else `false`
 * @private
 */
function isBlob(value) {
  return (
    hasBlob &&
    typeof value === 'object' &&
    typeof value.arrayBuffer === 'function' &&
    typeof value.type === 'string' &&
    typeof value.stream === 'function' &&
    (value[Symbol.toStringTag] === 'Blob' ||
      value[Symbol.toStringTag] === 'File')
  );
}

module.exports = {
  isBlob,
  isValidStatusCode,
  isValidUTF8: _isValidUTF8,
  tokenChars
};

if (isUtf8) {
  module.exports.isValidUTF8 = function (buf) {
    return buf.length < 24 ? _isValidUTF8(buf) : isUtf8(buf);
  };
} /* istanbul ignore else  */ else if (!process.env.WS_NO_UTF_8_VALIDATE) {
  try {
    const isValidUTF8 = __nccwpck_require__(414);

    module.exports.isValidUTF8 = function (buf) {
      return buf.length < 32 ? _isValidUTF8(buf) : isValidUTF8(buf);
    };
  } catch (e) {
    // Continue regardless of the error.
  }
}


/***/ }),

/***/ 129:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

/* eslint no-unused-vars: ["error", { "varsIgnorePattern": "^Duplex$", "caughtErrors": "none" }] */



const EventEmitter = __nccwpck_require__(434);
const http = __nccwpck_require__(611);
const { Duplex } = __nccwpck_require__(203);
const { createHash } = __nccwpck_require__(982);

const extension = __nccwpck_require__(335);
const PerMessageDeflate = __nccwpck_require__(376);
const subprotocol = __nccwpck_require__(332);
const WebSocket = __nccwpck_require__(681);
const { CLOSE_TIMEOUT, GUID, kWebSocket } = __nccwpck_require__(791);

const keyRegex = /^[+/0-9A-Za-z]{22}==$/;

const RUNNING = 0;
const CLOSING = 1;
const CLOSED = 2;

/**
 * Class representing a WebSocket server.
 *
 * @extends EventEmitter
 */
class WebSocketServer extends EventEmitter {
  /**
   * Create a `WebSocketServer` instance.
   *
   * @param {Object} options Configuration options
   * @param {Boolean} [options.allowSynchronousEvents=true] Specifies whether
   *     any of the `'message'`, `'ping'`, and `'pong'` events can be emitted
   *     multiple times in the same tick
   * @param {Boolean} [options.autoPong=true] Specifies whether or not to
   *     automatically send a pong in response to a ping
   * @param {Number} [options.backlog=511] The maximum length of the queue of
   *     pending connections
   * @param {Boolean} [options.clientTracking=true] Specifies whether or not to
   *     track clients
   * @param {Number} [options.closeTimeout=30000] Duration in milliseconds to
   *     wait for the closing handshake to finish after `websocket.close()` is
   *     called
   * @param {Function} [options.handleProtocols] A hook to handle protocols
   * @param {String} [options.host] The hostname where to bind the server
   * @param {Number} [options.maxBufferedChunks=262144] The maximum number of
   *     buffered data chunks
   * @param {Number} [options.maxFragments=16384] The maximum number of message
   *     fragments
   * @param {Number} [options.maxPayload=104857600] The maximum allowed message
   *     size
   * @param {Number} [options.maxPendingAutoPongs=60] The maximum number of
   *     pending automatic pongs
   * @param {Boolean} [options.noServer=false] Enable no server mode
   * @param {String} [options.path] Accept only connections matching this path
   * @param {(Boolean|Object)} [options.perMessageDeflate=false] Enable/disable
   *     permessage-deflate
   * @param {Number} [options.port] The port where to bind the server
   * @param {(http.Server|https.Server)} [options.server] A pre-created HTTP/S
   *     server to use
   * @param {Boolean} [options.skipUTF8Validation=false] Specifies whether or
   *     not to skip UTF-8 validation for text and close messages
   * @param {Function} [options.verifyClient] A hook to reject connections
   * @param {Function} [options.WebSocket=WebSocket] Specifies the `WebSocket`
   *     class to use. It must be the `WebSocket` class or class that extends it
   * @param {Function} [callback] A listener for the `listening` event
   */
  constructor(options, callback) {
    super();

    options = {
      allowSynchronousEvents: true,
      autoPong: true,
      maxBufferedChunks: 256 * 1024,
      maxFragments: 16 * 1024,
      maxPayload: 100 * 1024 * 1024,
      maxPendingAutoPongs: 60,
      skipUTF8Validation: false,
      perMessageDeflate: false,
      handleProtocols: null,
      clientTracking: true,
      closeTimeout: CLOSE_TIMEOUT,
      verifyClient: null,
      noServer: false,
      backlog: null, // use default (511 as implemented in net.js)
      server: null,
      host: null,
      path: null,
      port: null,
      WebSocket,
      ...options
    };

    if (
      (options.port == null && !options.server && !options.noServer) ||
      (options.port != null && (options.server || options.noServer)) ||
      (options.server && options.noServer)
    ) {
      throw new TypeError(
        'One and only one of the "port", "server", or "noServer" options ' +
          'must be specified'
      );
    }

    if (options.port != null) {
      this._server = http.createServer((req, res) => {
        const body = http.STATUS_CODES[426];

        res.writeHead(426, {
          'Content-Length': body.length,
          'Content-Type': 'text/plain'
        });
        res.end(body);
      });
      this._server.listen(
        options.port,
        options.host,
        options.backlog,
        callback
      );
    } else if (options.server) {
      this._server = options.server;
    }

    if (this._server) {
      const emitConnection = this.emit.bind(this, 'connection');

      this._removeListeners = addListeners(this._server, {
        listening: this.emit.bind(this, 'listening'),
        error: this.emit.bind(this, 'error'),
        upgrade: (req, socket, head) => {
          this.handleUpgrade(req, socket, head, emitConnection);
        }
      });
    }

    if (options.perMessageDeflate === true) options.perMessageDeflate = {};
    if (options.clientTracking) {
      this.clients = new Set();
      this._shouldEmitClose = false;
    }

    this.options = options;
    this._state = RUNNING;
  }

  /**
   * Returns the bound address, the address family name, and port of the server
   * as reported by the operating system if listening on an IP socket.
   * If the server is listening on a pipe or UNIX domain socket, the name is
   * returned as a string.
   *
   * @return {(Object|String|null)} The address of the server
   * @public
   */
  address() {
    if (this.options.noServer) {
      throw new Error('The server is operating in "noServer" mode');
    }

    if (!this._server) return null;
    return this._server.address();
  }

  /**
   * Stop the server from accepting new connections and emit the `'close'` event
   * when all existing connections are closed.
   *
   * @param {Function} [cb] A one-time listener for the `'close'` event
   * @public
   */
  close(cb) {
    if (this._state === CLOSED) {
      if (cb) {
        this.once('close', () => {
          cb(new Error('The server is not running'));
        });
      }

      process.nextTick(emitClose, this);
      return;
    }

    if (cb) this.once('close', cb);

    if (this._state === CLOSING) return;
    this._state = CLOSING;

    if (this.options.noServer || this.options.server) {
      if (this._server) {
        this._removeListeners();
        this._removeListeners = this._server = null;
      }

      if (this.clients) {
        if (!this.clients.size) {
          process.nextTick(emitClose, this);
        } else {
          this._shouldEmitClose = true;
        }
      } else {
        process.nextTick(emitClose, this);
      }
    } else {
      const server = this._server;

      this._removeListeners();
      this._removeListeners = this._server = null;

      //
      // The HTTP/S server was created internally. Close it, and rely on its
      // `'close'` event.
      //
      server.close(() => {
        emitClose(this);
      });
    }
  }

  /**
   * See if a given request should be handled by this server instance.
   *
   * @param {http.IncomingMessage} req Request object to inspect
   * @return {Boolean} `true` if the request is valid, else `false`
   * @public
   */
  shouldHandle(req) {
    if (this.options.path) {
      const index = req.url.indexOf('?');
      const pathname = index !== -1 ? req.url.slice(0, index) : req.url;

      if (pathname !== this.options.path) return false;
    }

    return true;
  }

  /**
   * Handle a HTTP Upgrade request.
   *
   * @param {http.IncomingMessage} req The request object
   * @param {Duplex} socket The network socket between the server and client
   * @param {Buffer} head The first packet of the upgraded stream
   * @param {Function} cb Callback
   * @public
   */
  handleUpgrade(req, socket, head, cb) {
    socket.on('error', socketOnError);

    const key = req.headers['sec-websocket-key'];
    const upgrade = req.headers.upgrade;
    const version = +req.headers['sec-websocket-version'];

    if (req.method !== 'GET') {
      const message = 'Invalid HTTP method';
      abortHandshakeOrEmitwsClientError(this, req, socket, 405, message);
      return;
    }

    if (upgrade === undefined || upgrade.toLowerCase() !== 'websocket') {
      const message = 'Invalid Upgrade header';
      abortHandshakeOrEmitwsClientError(this, req, socket, 400, message);
      return;
    }

    if (key === undefined || !keyRegex.test(key)) {
      const message = 'Missing or invalid Sec-WebSocket-Key header';
      abortHandshakeOrEmitwsClientError(this, req, socket, 400, message);
      return;
    }

    if (version !== 13 && version !== 8) {
      const message = 'Missing or invalid Sec-WebSocket-Version header';
      abortHandshakeOrEmitwsClientError(this, req, socket, 400, message, {
        'Sec-WebSocket-Version': '13, 8'
      });
      return;
    }

    if (!this.shouldHandle(req)) {
      abortHandshake(socket, 400);
      return;
    }

    const secWebSocketProtocol = req.headers['sec-websocket-protocol'];
    let protocols = new Set();

    if (secWebSocketProtocol !== undefined) {
      try {
        protocols = subprotocol.parse(secWebSocketProtocol);
      } catch (err) {
        const message = 'Invalid Sec-WebSocket-Protocol header';
        abortHandshakeOrEmitwsClientError(this, req, socket, 400, message);
        return;
      }
    }

    const secWebSocketExtensions = req.headers['sec-websocket-extensions'];
    const extensions = {};

    if (
      this.options.perMessageDeflate &&
      secWebSocketExtensions !== undefined
    ) {
      const perMessageDeflate = new PerMessageDeflate({
        ...this.options.perMessageDeflate,
        isServer: true,
        maxPayload: this.options.maxPayload
      });

      try {
        const offers = extension.parse(secWebSocketExtensions);

        if (offers[PerMessageDeflate.extensionName]) {
          perMessageDeflate.accept(offers[PerMessageDeflate.extensionName]);
          extensions[PerMessageDeflate.extensionName] = perMessageDeflate;
        }
      } catch (err) {
        const message =
          'Invalid or unacceptable Sec-WebSocket-Extensions header';
        abortHandshakeOrEmitwsClientError(this, req, socket, 400, message);
        return;
      }
    }

    //
    // Optionally call external client verification handler.
    //
    if (this.options.verifyClient) {
      const info = {
        origin:
          req.headers[`${version === 8 ? 'sec-websocket-origin' : 'origin'}`],
        secure: !!(req.socket.authorized || req.socket.encrypted),
        req
      };

      if (this.options.verifyClient.length === 2) {
        this.options.verifyClient(info, (verified, code, message, headers) => {
          if (!verified) {
            return abortHandshake(socket, code || 401, message, headers);
          }

          this.completeUpgrade(
            extensions,
            key,
            protocols,
            req,
            socket,
            head,
            cb
          );
        });
        return;
      }

      if (!this.options.verifyClient(info)) return abortHandshake(socket, 401);
    }

    this.completeUpgrade(extensions, key, protocols, req, socket, head, cb);
  }

  /**
   * Upgrade the connection to WebSocket.
   *
   * @param {Object} extensions The accepted extensions
   * @param {String} key The value of the `Sec-WebSocket-Key` header
   * @param {Set} protocols The subprotocols
   * @param {http.IncomingMessage} req The request object
   * @param {Duplex} socket The network socket between the server and client
   * @param {Buffer} head The first packet of the upgraded stream
   * @param {Function} cb Callback
   * @throws {Error} If called more than once with the same socket
   * @private
   */
  completeUpgrade(extensions, key, protocols, req, socket, head, cb) {
    //
    // Destroy the socket if the client has already sent a FIN packet.
    //
    if (!socket.readable || !socket.writable) return socket.destroy();

    if (socket[kWebSocket]) {
      throw new Error(
        'server.handleUpgrade() was called more than once with the same ' +
          'socket, possibly due to a misconfiguration'
      );
    }

    if (this._state > RUNNING) return abortHandshake(socket, 503);

    const digest = createHash('sha1')
      .update(key + GUID)
      .digest('base64');

    const headers = [
      'HTTP/1.1 101 Switching Protocols',
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Accept: ${digest}`
    ];

    const ws = new this.options.WebSocket(null, undefined, this.options);

    if (protocols.size) {
      //
      // Optionally call external protocol selection handler.
      //
      const protocol = this.options.handleProtocols
        ? this.options.handleProtocols(protocols, req)
        : protocols.values().next().value;

      if (protocol) {
        headers.push(`Sec-WebSocket-Protocol: ${protocol}`);
        ws._protocol = protocol;
      }
    }

    if (extensions[PerMessageDeflate.extensionName]) {
      const params = extensions[PerMessageDeflate.extensionName].params;
      const value = extension.format({
        [PerMessageDeflate.extensionName]: [params]
      });
      headers.push(`Sec-WebSocket-Extensions: ${value}`);
      ws._extensions = extensions;
    }

    //
    // Allow external modification/inspection of handshake headers.
    //
    this.emit('headers', headers, req);

    socket.write(headers.concat('\r\n').join('\r\n'));
    socket.removeListener('error', socketOnError);

    ws.setSocket(socket, head, {
      allowSynchronousEvents: this.options.allowSynchronousEvents,
      maxBufferedChunks: this.options.maxBufferedChunks,
      maxFragments: this.options.maxFragments,
      maxPayload: this.options.maxPayload,
      skipUTF8Validation: this.options.skipUTF8Validation
    });

    if (this.clients) {
      this.clients.add(ws);
      ws.on('close', () => {
        this.clients.delete(ws);

        if (this._shouldEmitClose && !this.clients.size) {
          process.nextTick(emitClose, this);
        }
      });
    }

    cb(ws, req);
  }
}

module.exports = WebSocketServer;

/**
 * Add event listeners on an `EventEmitter` using a map of <event, listener>
 * pairs.
 *
 * @param {EventEmitter} server The event emitter
 * @param {Object.<String, Function>} map The listeners to add
 * @return {Function} A function that will remove the added listeners when
 *     called
 * @private
 */
function addListeners(server, map) {
  for (const event of Object.keys(map)) server.on(event, map[event]);

  return function removeListeners() {
    for (const event of Object.keys(map)) {
      server.removeListener(event, map[event]);
    }
  };
}

/**
 * Emit a `'close'` event on an `EventEmitter`.
 *
 * @param {EventEmitter} server The event emitter
 * @private
 */
function emitClose(server) {
  server._state = CLOSED;
  server.emit('close');
}

/**
 * Handle socket errors.
 *
 * @private
 */
function socketOnError() {
  this.destroy();
}

/**
 * Close the connection when preconditions are not fulfilled.
 *
 * @param {Duplex} socket The socket of the upgrade request
 * @param {Number} code The HTTP response status code
 * @param {String} [message] The HTTP response body
 * @param {Object} [headers] Additional HTTP response headers
 * @private
 */
function abortHandshake(socket, code, message, headers) {
  //
  // The socket is writable unless the user destroyed or ended it before calling
  // `server.handleUpgrade()` or in the `verifyClient` function, which is a user
  // error. Handling this does not make much sense as the worst that can happen
  // is that some of the data written by the user might be discarded due to the
  // call to `socket.end()` below, which triggers an `'error'` event that in
  // turn causes the socket to be destroyed.
  //
  message = message || http.STATUS_CODES[code];
  headers = {
    Connection: 'close',
    'Content-Type': 'text/html',
    'Content-Length': Buffer.byteLength(message),
    ...headers
  };

  socket.once('finish', socket.destroy);

  socket.end(
    `HTTP/1.1 ${code} ${http.STATUS_CODES[code]}\r\n` +
      Object.keys(headers)
        .map((h) => `${h}: ${headers[h]}`)
        .join('\r\n') +
      '\r\n\r\n' +
      message
  );
}

/**
 * Emit a `'wsClientError'` event on a `WebSocketServer` if there is at least
 * one listener for it, otherwise call `abortHandshake()`.
 *
 * @param {WebSocketServer} server The WebSocket server
 * @param {http.IncomingMessage} req The request object
 * @param {Duplex} socket The socket of the upgrade request
 * @param {Number} code The HTTP response status code
 * @param {String} message The HTTP response body
 * @param {Object} [headers] The HTTP response headers
 * @private
 */
function abortHandshakeOrEmitwsClientError(
  server,
  req,
  socket,
  code,
  message,
  headers
) {
  if (server.listenerCount('wsClientError')) {
    const err = new Error(message);
    Error.captureStackTrace(err, abortHandshakeOrEmitwsClientError);

    server.emit('wsClientError', err, socket, req);
  } else {
    abortHandshake(socket, code, message, headers);
  }
}


/***/ }),

/***/ 681:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

/* eslint no-unused-vars: ["error", { "varsIgnorePattern": "^Duplex|Readable$", "caughtErrors": "none" }] */



const EventEmitter = __nccwpck_require__(434);
const https = __nccwpck_require__(692);
const http = __nccwpck_require__(611);
const net = __nccwpck_require__(278);
const querystring = __nccwpck_require__(480);
const tls = __nccwpck_require__(756);
const { randomBytes, createHash } = __nccwpck_require__(982);
const { Duplex, Readable } = __nccwpck_require__(203);
const { URL } = __nccwpck_require__(16);

const PerMessageDeflate = __nccwpck_require__(376);
const Receiver = __nccwpck_require__(893);
const Sender = __nccwpck_require__(389);
const { isBlob } = __nccwpck_require__(615);

const {
  BINARY_TYPES,
  CLOSE_TIMEOUT,
  EMPTY_BUFFER,
  GUID,
  kForOnEventAttribute,
  kListener,
  kStatusCode,
  kWebSocket,
  NOOP
} = __nccwpck_require__(791);
const {
  EventTarget: { addEventListener, removeEventListener }
} = __nccwpck_require__(634);
const { format, parse } = __nccwpck_require__(335);
const { toBuffer } = __nccwpck_require__(803);

const kAborted = Symbol('kAborted');
const protocolVersions = [8, 13];
const readyStates = ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'];
const subprotocolRegex = /^[!#$%&'*+\-.0-9A-Z^_`|a-z~]+$/;

/**
 * Class representing a WebSocket.
 *
 * @extends EventEmitter
 */
class WebSocket extends EventEmitter {
  /**
   * Create a new `WebSocket`.
   *
   * @param {(String|URL)} address The URL to which to connect
   * @param {(String|String[])} [protocols] The subprotocols
   * @param {Object} [options] Connection options
   */
  constructor(address, protocols, options) {
    super();

    this._binaryType = BINARY_TYPES[0];
    this._closeCode = 1006;
    this._closeFrameReceived = false;
    this._closeFrameSent = false;
    this._closeMessage = EMPTY_BUFFER;
    this._closeTimer = null;
    this._errorEmitted = false;
    this._extensions = {};
    this._paused = false;
    this._protocol = '';
    this._readyState = WebSocket.CONNECTING;
    this._receiver = null;
    this._sender = null;
    this._socket = null;

    if (address !== null) {
      this._bufferedAmount = 0;
      this._isServer = false;
      this._redirects = 0;

      if (protocols === undefined) {
        if (!options || options.protocols === undefined) {
          protocols = [];
        } else if (Array.isArray(options.protocols)) {
          protocols = options.protocols;
        } else {
          protocols = [options.protocols];
        }
      } else if (!Array.isArray(protocols)) {
        if (typeof protocols === 'object' && protocols !== null) {
          options = protocols;

          if (options.protocols === undefined) {
            protocols = [];
          } else if (Array.isArray(options.protocols)) {
            protocols = options.protocols;
          } else {
            protocols = [options.protocols];
          }
        } else {
          protocols = [protocols];
        }
      }

      options = initAsClient(this, address, protocols, options);
    } else {
      this._isServer = true;
    }

    if (options.autoPong) {
      this._autoPong = true;
      this._autoPongComplete = () => autoPongComplete(this);
      this._pendingAutoPongs = 0;
      this._maxPendingAutoPongs = options.maxPendingAutoPongs | 0;
    }

    this._closeTimeout = options.closeTimeout;
  }

  /**
   * For historical reasons, the custom "nodebuffer" type is used by the default
   * instead of "blob".
   *
   * @type {String}
   */
  get binaryType() {
    return this._binaryType;
  }

  set binaryType(type) {
    if (!BINARY_TYPES.includes(type)) return;

    this._binaryType = type;

    //
    // Allow to change `binaryType` on the fly.
    //
    if (this._receiver) this._receiver._binaryType = type;
  }

  /**
   * @type {Number}
   */
  get bufferedAmount() {
    if (!this._socket) return this._bufferedAmount;

    return this._socket._writableState.length + this._sender._bufferedBytes;
  }

  /**
   * @type {String}
   */
  get extensions() {
    return Object.keys(this._extensions).join();
  }

  /**
   * @type {Boolean}
   */
  get isPaused() {
    return this._paused;
  }

  /**
   * @type {Function}
   */
  /* istanbul ignore next */
  get onclose() {
    return null;
  }

  /**
   * @type {Function}
   */
  /* istanbul ignore next */
  get onerror() {
    return null;
  }

  /**
   * @type {Function}
   */
  /* istanbul ignore next */
  get onopen() {
    return null;
  }

  /**
   * @type {Function}
   */
  /* istanbul ignore next */
  get onmessage() {
    return null;
  }

  /**
   * @type {String}
   */
  get protocol() {
    return this._protocol;
  }

  /**
   * @type {Number}
   */
  get readyState() {
    return this._readyState;
  }

  /**
   * @type {String}
   */
  get url() {
    return this._url;
  }

  /**
   * Set up the socket and the internal resources.
   *
   * @param {Duplex} socket The network socket between the server and client
   * @param {Buffer} head The first packet of the upgraded stream
   * @param {Object} options Options object
   * @param {Boolean} [options.allowSynchronousEvents=false] Specifies whether
   *     any of the `'message'`, `'ping'`, and `'pong'` events can be emitted
   *     multiple times in the same tick
   * @param {Function} [options.generateMask] The function used to generate the
   *     masking key
   * @param {Number} [options.maxBufferedChunks=0] The maximum number of
   *     buffered data chunks
   * @param {Number} [options.maxFragments=0] The maximum number of message
   *     fragments
   * @param {Number} [options.maxPayload=0] The maximum allowed message size
   * @param {Boolean} [options.skipUTF8Validation=false] Specifies whether or
   *     not to skip UTF-8 validation for text and close messages
   * @private
   */
  setSocket(socket, head, options) {
    const receiver = new Receiver({
      allowSynchronousEvents: options.allowSynchronousEvents,
      binaryType: this.binaryType,
      extensions: this._extensions,
      isServer: this._isServer,
      maxBufferedChunks: options.maxBufferedChunks,
      maxFragments: options.maxFragments,
      maxPayload: options.maxPayload,
      skipUTF8Validation: options.skipUTF8Validation
    });

    const sender = new Sender(socket, this._extensions, options.generateMask);

    this._receiver = receiver;
    this._sender = sender;
    this._socket = socket;

    receiver[kWebSocket] = this;
    sender[kWebSocket] = this;
    socket[kWebSocket] = this;

    receiver.on('conclude', receiverOnConclude);
    receiver.on('drain', receiverOnDrain);
    receiver.on('error', receiverOnError);
    receiver.on('message', receiverOnMessage);
    receiver.on('ping', receiverOnPing);
    receiver.on('pong', receiverOnPong);

    sender.onerror = senderOnError;

    //
    // These methods may not be available if `socket` is just a `Duplex`.
    //
    if (socket.setTimeout) socket.setTimeout(0);
    if (socket.setNoDelay) socket.setNoDelay();

    if (head.length > 0) socket.unshift(head);

    socket.on('close', socketOnClose);
    socket.on('data', socketOnData);
    socket.on('end', socketOnEnd);
    socket.on('error', socketOnError);

    this._readyState = WebSocket.OPEN;
    this.emit('open');
  }

  /**
   * Emit the `'close'` event.
   *
   * @private
   */
  emitClose() {
    if (!this._socket) {
      this._readyState = WebSocket.CLOSED;
      this.emit('close', this._closeCode, this._closeMessage);
      return;
    }

    if (this._extensions[PerMessageDeflate.extensionName]) {
      this._extensions[PerMessageDeflate.extensionName].cleanup();
    }

    this._receiver.removeAllListeners();
    this._readyState = WebSocket.CLOSED;
    this.emit('close', this._closeCode, this._closeMessage);
  }

  /**
   * Start a closing handshake.
   *
   *          +----------+   +-----------+   +----------+
   *     - - -|ws.close()|-->|close frame|-->|ws.close()|- - -
   *    |     +----------+   +-----------+   +----------+     |
   *          +----------+   +-----------+         |
   * CLOSING  |ws.close()|<--|close frame|<--+-----+       CLOSING
   *          +----------+   +-----------+   |
   *    |           |                        |   +---+        |
   *                +------------------------+-->|fin| - - - -
   *    |         +---+                      |   +---+
   *     - - - - -|fin|<---------------------+
   *              +---+
   *
   * @param {Number} [code] Status code explaining why the connection is closing
   * @param {(String|Buffer)} [data] The reason why the connection is
   *     closing
   * @public
   */
  close(code, data) {
    if (this.readyState === WebSocket.CLOSED) return;
    if (this.readyState === WebSocket.CONNECTING) {
      const msg = 'WebSocket was closed before the connection was established';
      abortHandshake(this, this._req, msg);
      return;
    }

    if (this.readyState === WebSocket.CLOSING) {
      if (
        this._closeFrameSent &&
        (this._closeFrameReceived || this._receiver._writableState.errorEmitted)
      ) {
        this._socket.end();
      }

      return;
    }

    this._sender.close(code, data, !this._isServer, (err) => {
      //
      // This error is handled by the `'error'` listener on the socket. We only
      // want to know if the close frame has been sent here.
      //
      if (err) return;

      this._closeFrameSent = true;

      if (
        this._closeFrameReceived ||
        this._receiver._writableState.errorEmitted
      ) {
        this._socket.end();
      }
    });

    this._readyState = WebSocket.CLOSING;
    setCloseTimer(this);
  }

  /**
   * Pause the socket.
   *
   * @public
   */
  pause() {
    if (
      this.readyState === WebSocket.CONNECTING ||
      this.readyState === WebSocket.CLOSED
    ) {
      return;
    }

    this._paused = true;
    this._socket.pause();
  }

  /**
   * Send a ping.
   *
   * @param {*} [data] The data to send
   * @param {Boolean} [mask] Indicates whether or not to mask `data`
   * @param {Function} [cb] Callback which is executed when the ping is sent
   * @public
   */
  ping(data, mask, cb) {
    if (this.readyState === WebSocket.CONNECTING) {
      throw new Error('WebSocket is not open: readyState 0 (CONNECTING)');
    }

    if (typeof data === 'function') {
      cb = data;
      data = mask = undefined;
    } else if (typeof mask === 'function') {
      cb = mask;
      mask = undefined;
    }

    if (typeof data === 'number') data = data.toString();

    if (this.readyState !== WebSocket.OPEN) {
      sendAfterClose(this, data, cb);
      return;
    }

    if (mask === undefined) mask = !this._isServer;
    this._sender.ping(data || EMPTY_BUFFER, mask, cb);
  }

  /**
   * Send a pong.
   *
   * @param {*} [data] The data to send
   * @param {Boolean} [mask] Indicates whether or not to mask `data`
   * @param {Function} [cb] Callback which is executed when the pong is sent
   * @public
   */
  pong(data, mask, cb) {
    if (this.readyState === WebSocket.CONNECTING) {
      throw new Error('WebSocket is not open: readyState 0 (CONNECTING)');
    }

    if (typeof data === 'function') {
      cb = data;
      data = mask = undefined;
    } else if (typeof mask === 'function') {
      cb = mask;
      mask = undefined;
    }

    if (typeof data === 'number') data = data.toString();

    if (this.readyState !== WebSocket.OPEN) {
      sendAfterClose(this, data, cb);
      return;
    }

    if (mask === undefined) mask = !this._isServer;
    this._sender.pong(data || EMPTY_BUFFER, mask, cb);
  }

  /**
   * Resume the socket.
   *
   * @public
   */
  resume() {
    if (
      this.readyState === WebSocket.CONNECTING ||
      this.readyState === WebSocket.CLOSED
    ) {
      return;
    }

    this._paused = false;
    if (!this._receiver._writableState.needDrain) this._socket.resume();
  }

  /**
   * Send a data message.
   *
   * @param {*} data The message to send
   * @param {Object} [options] Options object
   * @param {Boolean} [options.binary] Specifies whether `data` is binary or
   *     text
   * @param {Boolean} [options.compress] Specifies whether or not to compress
   *     `data`
   * @param {Boolean} [options.fin=true] Specifies whether the fragment is the
   *     last one
   * @param {Boolean} [options.mask] Specifies whether or not to mask `data`
   * @param {Function} [cb] Callback which is executed when data is written out
   * @public
   */
  send(data, options, cb) {
    if (this.readyState === WebSocket.CONNECTING) {
      throw new Error('WebSocket is not open: readyState 0 (CONNECTING)');
    }

    if (typeof options === 'function') {
      cb = options;
      options = {};
    }

    if (typeof data === 'number') data = data.toString();

    if (this.readyState !== WebSocket.OPEN) {
      sendAfterClose(this, data, cb);
      return;
    }

    const opts = {
      binary: typeof data !== 'string',
      mask: !this._isServer,
      compress: true,
      fin: true,
      ...options
    };

    if (!this._extensions[PerMessageDeflate.extensionName]) {
      opts.compress = false;
    }

    this._sender.send(data || EMPTY_BUFFER, opts, cb);
  }

  /**
   * Forcibly close the connection.
   *
   * @public
   */
  terminate() {
    if (this.readyState === WebSocket.CLOSED) return;
    if (this.readyState === WebSocket.CONNECTING) {
      const msg = 'WebSocket was closed before the connection was established';
      abortHandshake(this, this._req, msg);
      return;
    }

    if (this._socket) {
      this._readyState = WebSocket.CLOSING;
      this._socket.destroy();
    }
  }
}

/**
 * @constant {Number} CONNECTING
 * @memberof WebSocket
 */
Object.defineProperty(WebSocket, 'CONNECTING', {
  enumerable: true,
  value: readyStates.indexOf('CONNECTING')
});

/**
 * @constant {Number} CONNECTING
 * @memberof WebSocket.prototype
 */
Object.defineProperty(WebSocket.prototype, 'CONNECTING', {
  enumerable: true,
  value: readyStates.indexOf('CONNECTING')
});

/**
 * @constant {Number} OPEN
 * @memberof WebSocket
 */
Object.defineProperty(WebSocket, 'OPEN', {
  enumerable: true,
  value: readyStates.indexOf('OPEN')
});

/**
 * @constant {Number} OPEN
 * @memberof WebSocket.prototype
 */
Object.defineProperty(WebSocket.prototype, 'OPEN', {
  enumerable: true,
  value: readyStates.indexOf('OPEN')
});

/**
 * @constant {Number} CLOSING
 * @memberof WebSocket
 */
Object.defineProperty(WebSocket, 'CLOSING', {
  enumerable: true,
  value: readyStates.indexOf('CLOSING')
});

/**
 * @constant {Number} CLOSING
 * @memberof WebSocket.prototype
 */
Object.defineProperty(WebSocket.prototype, 'CLOSING', {
  enumerable: true,
  value: readyStates.indexOf('CLOSING')
});

/**
 * @constant {Number} CLOSED
 * @memberof WebSocket
 */
Object.defineProperty(WebSocket, 'CLOSED', {
  enumerable: true,
  value: readyStates.indexOf('CLOSED')
});

/**
 * @constant {Number} CLOSED
 * @memberof WebSocket.prototype
 */
Object.defineProperty(WebSocket.prototype, 'CLOSED', {
  enumerable: true,
  value: readyStates.indexOf('CLOSED')
});

[
  'binaryType',
  'bufferedAmount',
  'extensions',
  'isPaused',
  'protocol',
  'readyState',
  'url'
].forEach((property) => {
  Object.defineProperty(WebSocket.prototype, property, { enumerable: true });
});

//
// Add the `onopen`, `onerror`, `onclose`, and `onmessage` attributes.
// See https://html.spec.whatwg.org/multipage/comms.html#the-websocket-interface
//
['open', 'error', 'close', 'message'].forEach((method) => {
  Object.defineProperty(WebSocket.prototype, `on${method}`, {
    enumerable: true,
    get() {
      for (const listener of this.listeners(method)) {
        if (listener[kForOnEventAttribute]) return listener[kListener];
      }

      return null;
    },
    set(handler) {
      for (const listener of this.listeners(method)) {
        if (listener[kForOnEventAttribute]) {
          this.removeListener(method, listener);
          break;
        }
      }

      if (typeof handler !== 'function') return;

      this.addEventListener(method, handler, {
        [kForOnEventAttribute]: true
      });
    }
  });
});

WebSocket.prototype.addEventListener = addEventListener;
WebSocket.prototype.removeEventListener = removeEventListener;

module.exports = WebSocket;

/**
 * Initialize a WebSocket client.
 *
 * @param {WebSocket} websocket The client to initialize
 * @param {(String|URL)} address The URL to which to connect
 * @param {Array} protocols The subprotocols
 * @param {Object} [options] Connection options
 * @param {Boolean} [options.allowSynchronousEvents=true] Specifies whether any
 *     of the `'message'`, `'ping'`, and `'pong'` events can be emitted multiple
 *     times in the same tick
 * @param {Boolean} [options.autoPong=true] Specifies whether or not to
 *     automatically send a pong in response to a ping
 * @param {Number} [options.closeTimeout=30000] Duration in milliseconds to wait
 *     for the closing handshake to finish after `websocket.close()` is called
 * @param {Function} [options.finishRequest] A function which can be used to
 *     customize the headers of each http request before it is sent
 * @param {Boolean} [options.followRedirects=false] Whether or not to follow
 *     redirects
 * @param {Function} [options.generateMask] The function used to generate the
 *     masking key
 * @param {Number} [options.handshakeTimeout] Timeout in milliseconds for the
 *     handshake request
 * @param {Number} [options.maxBufferedChunks=262144] The maximum number of
 *     buffered data chunks
 * @param {Number} [options.maxFragments=16384] The maximum number of message
 *     fragments
 * @param {Number} [options.maxPayload=104857600] The maximum allowed message
 *     size
 * @param {Number} [options.maxPendingAutoPongs=60] The maximum number of
 *     pending automatic pongs
 * @param {Number} [options.maxRedirects=10] The maximum number of redirects
 *     allowed
 * @param {String} [options.origin] Value of the `Origin` or
 *     `Sec-WebSocket-Origin` header
 * @param {(Boolean|Object)} [options.perMessageDeflate=true] Enable/disable
 *     permessage-deflate
 * @param {Number} [options.protocolVersion=13] Value of the
 *     `Sec-WebSocket-Version` header
 * @param {Boolean} [options.skipUTF8Validation=false] Specifies whether or
 *     not to skip UTF-8 validation for text and close messages
 * @return {Object} The resolved options object used for initialization
 * @private
 */
function initAsClient(websocket, address, protocols, options) {
  const opts = {
    allowSynchronousEvents: true,
    autoPong: true,
    closeTimeout: CLOSE_TIMEOUT,
    protocolVersion: protocolVersions[1],
    maxBufferedChunks: 256 * 1024,
    maxFragments: 16 * 1024,
    maxPayload: 100 * 1024 * 1024,
    maxPendingAutoPongs: 60,
    skipUTF8Validation: false,
    perMessageDeflate: true,
    followRedirects: false,
    maxRedirects: 10,
    ...options,
    socketPath: undefined,
    hostname: undefined,
    protocol: undefined,
    protocols: undefined,
    timeout: undefined,
    method: 'GET',
    host: undefined,
    path: undefined,
    port: undefined
  };

  if (!protocolVersions.includes(opts.protocolVersion)) {
    throw new RangeError(
      `Unsupported protocol version: ${opts.protocolVersion} ` +
        `(supported versions: ${protocolVersions.join(', ')})`
    );
  }

  let parsedUrl;

  if (address instanceof URL) {
    parsedUrl = address;
  } else {
    try {
      parsedUrl = new URL(address);
    } catch {
      throw new SyntaxError(`Invalid URL: ${address}`);
    }
  }

  if (parsedUrl.protocol === 'http:' || parsedUrl.protocol === 'https:') {
    parsedUrl = new URL(parsedUrl);
    parsedUrl.protocol = parsedUrl.protocol === 'http:' ? 'ws:' : 'wss:';
  }

  websocket._url = parsedUrl.href;

  const isSecure = parsedUrl.protocol === 'wss:';
  const isIpcUrl = parsedUrl.protocol === 'ws+unix:';
  let invalidUrlMessage;

  if (parsedUrl.protocol !== 'ws:' && !isSecure && !isIpcUrl) {
    invalidUrlMessage =
      'The URL\'s protocol must be one of "ws:", "wss:", ' +
      '"http:", "https:", or "ws+unix:"';
  } else if (isIpcUrl && !parsedUrl.pathname) {
    invalidUrlMessage = "The URL's pathname is empty";
  } else if (parsedUrl.hash) {
    invalidUrlMessage = 'The URL contains a fragment identifier';
  }

  if (invalidUrlMessage) {
    const err = new SyntaxError(invalidUrlMessage);

    if (websocket._redirects === 0) {
      throw err;
    } else {
      emitErrorAndClose(websocket, err);
      return;
    }
  }

  const defaultPort = isSecure ? 443 : 80;
  const key = randomBytes(16).toString('base64');
  const request = isSecure ? https.request : http.request;
  const protocolSet = new Set();
  let perMessageDeflate;

  opts.createConnection =
    opts.createConnection || (isSecure ? tlsConnect : netConnect);
  opts.defaultPort = opts.defaultPort || defaultPort;
  opts.port = parsedUrl.port || defaultPort;
  opts.host = parsedUrl.hostname.startsWith('[')
    ? parsedUrl.hostname.slice(1, -1)
    : parsedUrl.hostname;
  opts.headers = {
    ...opts.headers,
    'Sec-WebSocket-Version': opts.protocolVersion,
    'Sec-WebSocket-Key': key,
    Connection: 'Upgrade',
    Upgrade: 'websocket'
  };
  opts.path = parsedUrl.pathname + parsedUrl.search;
  opts.timeout = opts.handshakeTimeout;

  if (opts.perMessageDeflate) {
    perMessageDeflate = new PerMessageDeflate({
      ...opts.perMessageDeflate,
      isServer: false,
      maxPayload: opts.maxPayload
    });
    opts.headers['Sec-WebSocket-Extensions'] = format({
      [PerMessageDeflate.extensionName]: perMessageDeflate.offer()
    });
  }
  if (protocols.length) {
    for (const protocol of protocols) {
      if (
        typeof protocol !== 'string' ||
        !subprotocolRegex.test(protocol) ||
        protocolSet.has(protocol)
      ) {
        throw new SyntaxError(
          'An invalid or duplicated subprotocol was specified'
        );
      }

      protocolSet.add(protocol);
    }

    opts.headers['Sec-WebSocket-Protocol'] = protocols.join(',');
  }
  if (opts.origin) {
    if (opts.protocolVersion < 13) {
      opts.headers['Sec-WebSocket-Origin'] = opts.origin;
    } else {
      opts.headers.Origin = opts.origin;
    }
  }
  if (parsedUrl.username || parsedUrl.password) {
    const username = querystring.unescape(parsedUrl.username);
    const password = querystring.unescape(parsedUrl.password);

    opts.auth = `${username}:${password}`;
  }

  if (isIpcUrl) {
    const i = opts.path.indexOf(':');

    if (i === -1) {
      opts.socketPath = opts.path;
      opts.path = '';
    } else {
      opts.socketPath = opts.path.slice(0, i);
      opts.path = opts.path.slice(i + 1);
    }
  }

  let req;

  if (opts.followRedirects) {
    if (websocket._redirects === 0) {
      websocket._originalIpc = isIpcUrl;
      websocket._originalSecure = isSecure;
      websocket._originalHostOrSocketPath = isIpcUrl
        ? opts.socketPath
        : parsedUrl.host;

      const headers = options && options.headers;

      //
      // Shallow copy the user provided options so that headers can be changed
      // without mutating the original object.
      //
      options = { ...options, headers: {} };

      if (headers) {
        for (const [key, value] of Object.entries(headers)) {
          options.headers[key.toLowerCase()] = value;
        }
      }
    } else if (websocket.listenerCount('redirect') === 0) {
      const isSameHost = isIpcUrl
        ? websocket._originalIpc
          ? opts.socketPath === websocket._originalHostOrSocketPath
          : false
        : websocket._originalIpc
          ? false
          : parsedUrl.host === websocket._originalHostOrSocketPath;

      if (!isSameHost || (websocket._originalSecure && !isSecure)) {
        //
        // Match curl 7.77.0 behavior and drop the following headers. These
        // headers are also dropped when following a redirect to a subdomain.
        //
        delete opts.headers.authorization;
        delete opts.headers.cookie;

        if (!isSameHost) delete opts.headers.host;

        opts.auth = undefined;
      }
    }

    //
    // Match curl 7.77.0 behavior and make the first `Authorization` header win.
    // If the `Authorization` header is set, then there is nothing to do as it
    // will take precedence.
    //
    if (opts.auth && !options.headers.authorization) {
      options.headers.authorization =
        'Basic ' + Buffer.from(opts.auth).toString('base64');
    }

    req = websocket._req = request(opts);

    if (websocket._redirects) {
      //
      // Unlike what is done for the `'upgrade'` event, no early exit is
      // triggered here if the user calls `websocket.close()` or
      // `websocket.terminate()` from a listener of the `'redirect'` event. This
      // is because the user can also call `request.destroy()` with an error
      // before calling `websocket.close()` or `websocket.terminate()` and this
      // would result in an error being emitted on the `request` object with no
      // `'error'` event listeners attached.
      //
      websocket.emit('redirect', websocket.url, req);
    }
  } else {
    req = websocket._req = request(opts);
  }

  if (opts.timeout) {
    req.on('timeout', () => {
      abortHandshake(websocket, req, 'Opening handshake has timed out');
    });
  }

  req.on('error', (err) => {
    if (req === null || req[kAborted]) return;

    req = websocket._req = null;
    emitErrorAndClose(websocket, err);
  });

  req.on('response', (res) => {
    const location = res.headers.location;
    const statusCode = res.statusCode;

    if (
      location &&
      opts.followRedirects &&
      statusCode >= 300 &&
      statusCode < 400
    ) {
      if (++websocket._redirects > opts.maxRedirects) {
        abortHandshake(websocket, req, 'Maximum redirects exceeded');
        return;
      }

      req.abort();

      let addr;

      try {
        addr = new URL(location, address);
      } catch (e) {
        const err = new SyntaxError(`Invalid URL: ${location}`);
        emitErrorAndClose(websocket, err);
        return;
      }

      initAsClient(websocket, addr, protocols, options);
    } else if (!websocket.emit('unexpected-response', req, res)) {
      abortHandshake(
        websocket,
        req,
        `Unexpected server response: ${res.statusCode}`
      );
    }
  });

  req.on('upgrade', (res, socket, head) => {
    websocket.emit('upgrade', res);

    //
    // The user may have closed the connection from a listener of the
    // `'upgrade'` event.
    //
    if (websocket.readyState !== WebSocket.CONNECTING) return;

    req = websocket._req = null;

    const upgrade = res.headers.upgrade;

    if (upgrade === undefined || upgrade.toLowerCase() !== 'websocket') {
      abortHandshake(websocket, socket, 'Invalid Upgrade header');
      return;
    }

    const digest = createHash('sha1')
      .update(key + GUID)
      .digest('base64');

    if (res.headers['sec-websocket-accept'] !== digest) {
      abortHandshake(websocket, socket, 'Invalid Sec-WebSocket-Accept header');
      return;
    }

    const serverProt = res.headers['sec-websocket-protocol'];
    let protError;

    if (serverProt !== undefined) {
      if (!protocolSet.size) {
        protError = 'Server sent a subprotocol but none was requested';
      } else if (!protocolSet.has(serverProt)) {
        protError = 'Server sent an invalid subprotocol';
      }
    } else if (protocolSet.size) {
      protError = 'Server sent no subprotocol';
    }

    if (protError) {
      abortHandshake(websocket, socket, protError);
      return;
    }

    if (serverProt) websocket._protocol = serverProt;

    const secWebSocketExtensions = res.headers['sec-websocket-extensions'];

    if (secWebSocketExtensions !== undefined) {
      if (!perMessageDeflate) {
        const message =
          'Server sent a Sec-WebSocket-Extensions header but no extension ' +
          'was requested';
        abortHandshake(websocket, socket, message);
        return;
      }

      let extensions;

      try {
        extensions = parse(secWebSocketExtensions);
      } catch (err) {
        const message = 'Invalid Sec-WebSocket-Extensions header';
        abortHandshake(websocket, socket, message);
        return;
      }

      const extensionNames = Object.keys(extensions);

      if (
        extensionNames.length !== 1 ||
        extensionNames[0] !== PerMessageDeflate.extensionName
      ) {
        const message = 'Server indicated an extension that was not requested';
        abortHandshake(websocket, socket, message);
        return;
      }

      try {
        perMessageDeflate.accept(extensions[PerMessageDeflate.extensionName]);
      } catch (err) {
        const message = 'Invalid Sec-WebSocket-Extensions header';
        abortHandshake(websocket, socket, message);
        return;
      }

      websocket._extensions[PerMessageDeflate.extensionName] =
        perMessageDeflate;
    }

    websocket.setSocket(socket, head, {
      allowSynchronousEvents: opts.allowSynchronousEvents,
      generateMask: opts.generateMask,
      maxBufferedChunks: opts.maxBufferedChunks,
      maxFragments: opts.maxFragments,
      maxPayload: opts.maxPayload,
      skipUTF8Validation: opts.skipUTF8Validation
    });
  });

  if (opts.finishRequest) {
    opts.finishRequest(req, websocket);
  } else {
    req.end();
  }

  return opts;
}

/**
 * Emit the `'error'` and `'close'` events.
 *
 * @param {WebSocket} websocket The WebSocket instance
 * @param {Error} The error to emit
 * @private
 */
function emitErrorAndClose(websocket, err) {
  websocket._readyState = WebSocket.CLOSING;
  //
  // The following assignment is practically useless and is done only for
  // consistency.
  //
  websocket._errorEmitted = true;
  websocket.emit('error', err);
  websocket.emitClose();
}

/**
 * Create a `net.Socket` and initiate a connection.
 *
 * @param {Object} options Connection options
 * @return {net.Socket} The newly created socket used to start the connection
 * @private
 */
function netConnect(options) {
  options.path = options.socketPath;
  return net.connect(options);
}

/**
 * Create a `tls.TLSSocket` and initiate a connection.
 *
 * @param {Object} options Connection options
 * @return {tls.TLSSocket} The newly created socket used to start the connection
 * @private
 */
function tlsConnect(options) {
  options.path = undefined;

  if (!options.servername && options.servername !== '') {
    options.servername = net.isIP(options.host) ? '' : options.host;
  }

  return tls.connect(options);
}

/**
 * Abort the handshake and emit an error.
 *
 * @param {WebSocket} websocket The WebSocket instance
 * @param {(http.ClientRequest|net.Socket|tls.Socket)} stream The request to
 *     abort or the socket to destroy
 * @param {String} message The error message
 * @private
 */
function abortHandshake(websocket, stream, message) {
  websocket._readyState = WebSocket.CLOSING;

  const err = new Error(message);
  Error.captureStackTrace(err, abortHandshake);

  if (stream.setHeader) {
    stream[kAborted] = true;
    stream.abort();

    if (stream.socket && !stream.socket.destroyed) {
      //
      // On Node.js >= 14.3.0 `request.abort()` does not destroy the socket if
      // called after the request completed. See
      // https://github.com/websockets/ws/issues/1869.
      //
      stream.socket.destroy();
    }

    process.nextTick(emitErrorAndClose, websocket, err);
  } else {
    stream.destroy(err);
    stream.once('error', websocket.emit.bind(websocket, 'error'));
    stream.once('close', websocket.emitClose.bind(websocket));
  }
}

/**
 * Handle cases where the `ping()`, `pong()`, or `send()` methods are called
 * when the `readyState` attribute is `CLOSING` or `CLOSED`.
 *
 * @param {WebSocket} websocket The WebSocket instance
 * @param {*} [data] The data to send
 * @param {Function} [cb] Callback
 * @private
 */
function sendAfterClose(websocket, data, cb) {
  if (data) {
    const length = isBlob(data) ? data.size : toBuffer(data).length;

    //
    // The `_bufferedAmount` property is used only when the peer is a client and
    // the opening handshake fails. Under these circumstances, in fact, the
    // `setSocket()` method is not called, so the `_socket` and `_sender`
    // properties are set to `null`.
    //
    if (websocket._socket) websocket._sender._bufferedBytes += length;
    else websocket._bufferedAmount += length;
  }

  if (cb) {
    const err = new Error(
      `WebSocket is not open: readyState ${websocket.readyState} ` +
        `(${readyStates[websocket.readyState]})`
    );
    process.nextTick(cb, err);
  }
}

/**
 * The listener of the `Receiver` `'conclude'` event.
 *
 * @param {Number} code The status code
 * @param {Buffer} reason The reason for closing
 * @private
 */
function receiverOnConclude(code, reason) {
  const websocket = this[kWebSocket];

  websocket._closeFrameReceived = true;
  websocket._closeCode = code;

  //
  // The reason is a view into the buffer the socket delivered. Copy it so that
  // the `WebSocket` does not keep that buffer alive. The copy is not pooled
  // because a pooled one would keep the pool alive in the same way.
  //
  if (reason.length === 0) {
    websocket._closeMessage = EMPTY_BUFFER;
  } else {
    websocket._closeMessage = Buffer.allocUnsafeSlow(reason.length);
    websocket._closeMessage.set(reason);
  }

  if (websocket._socket[kWebSocket] === undefined) return;

  websocket._socket.removeListener('data', socketOnData);
  process.nextTick(resume, websocket._socket);

  if (code === 1005) websocket.close();
  else websocket.close(code, reason);
}

/**
 * The listener of the `Receiver` `'drain'` event.
 *
 * @private
 */
function receiverOnDrain() {
  const websocket = this[kWebSocket];

  if (!websocket.isPaused) websocket._socket.resume();
}

/**
 * The listener of the `Receiver` `'error'` event.
 *
 * @param {(RangeError|Error)} err The emitted error
 * @private
 */
function receiverOnError(err) {
  const websocket = this[kWebSocket];

  if (websocket._socket[kWebSocket] !== undefined) {
    websocket._socket.removeListener('data', socketOnData);

    //
    // On Node.js < 14.0.0 the `'error'` event is emitted synchronously. See
    // https://github.com/websockets/ws/issues/1940.
    //
    process.nextTick(resume, websocket._socket);

    websocket.close(err[kStatusCode]);
  }

  if (!websocket._errorEmitted) {
    websocket._errorEmitted = true;
    websocket.emit('error', err);
  }
}

/**
 * The listener of the `Receiver` `'finish'` event.
 *
 * @private
 */
function receiverOnFinish() {
  this[kWebSocket].emitClose();
}

/**
 * The listener of the `Receiver` `'message'` event.
 *
 * @param {Buffer|ArrayBuffer|Buffer[])} data The message
 * @param {Boolean} isBinary Specifies whether the message is binary or not
 * @private
 */
function receiverOnMessage(data, isBinary) {
  this[kWebSocket].emit('message', data, isBinary);
}

/**
 * The listener of the `Receiver` `'ping'` event.
 *
 * @param {Buffer} data The data included in the ping frame
 * @private
 */
function receiverOnPing(data) {
  const websocket = this[kWebSocket];

  if (websocket._autoPong && websocket.readyState === WebSocket.OPEN) {
    if (
      websocket._maxPendingAutoPongs > 0 &&
      websocket._pendingAutoPongs >= websocket._maxPendingAutoPongs
    ) {
      websocket.terminate();
    } else {
      websocket._pendingAutoPongs++;
      websocket.pong(data, !this._isServer, websocket._autoPongComplete);
    }
  }

  websocket.emit('ping', data);
}

/**
 * The callback for automatic pong responses.
 *
 * @param {WebSocket} websocket The WebSocket instance
 * @private
 */
function autoPongComplete(websocket) {
  websocket._pendingAutoPongs--;
}

/**
 * The listener of the `Receiver` `'pong'` event.
 *
 * @param {Buffer} data The data included in the pong frame
 * @private
 */
function receiverOnPong(data) {
  this[kWebSocket].emit('pong', data);
}

/**
 * Resume a readable stream
 *
 * @param {Readable} stream The readable stream
 * @private
 */
function resume(stream) {
  stream.resume();
}

/**
 * The `Sender` error event handler.
 *
 * @param {Error} The error
 * @private
 */
function senderOnError(err) {
  const websocket = this[kWebSocket];

  if (websocket.readyState === WebSocket.CLOSED) return;
  if (websocket.readyState === WebSocket.OPEN) {
    websocket._readyState = WebSocket.CLOSING;
    setCloseTimer(websocket);
  }

  //
  // `socket.end()` is used instead of `socket.destroy()` to allow the other
  // peer to finish sending queued data. There is no need to set a timer here
  // because `CLOSING` means that it is already set or not needed.
  //
  this._socket.end();

  if (!websocket._errorEmitted) {
    websocket._errorEmitted = true;
    websocket.emit('error', err);
  }
}

/**
 * Set a timer to destroy the underlying raw socket of a WebSocket.
 *
 * @param {WebSocket} websocket The WebSocket instance
 * @private
 */
function setCloseTimer(websocket) {
  websocket._closeTimer = setTimeout(
    websocket._socket.destroy.bind(websocket._socket),
    websocket._closeTimeout
  );
}

/**
 * The listener of the socket `'close'` event.
 *
 * @private
 */
function socketOnClose() {
  const websocket = this[kWebSocket];

  this.removeListener('close', socketOnClose);
  this.removeListener('data', socketOnData);
  this.removeListener('end', socketOnEnd);

  websocket._readyState = WebSocket.CLOSING;

  //
  // The close frame might not have been received or the `'end'` event emitted,
  // for example, if the socket was destroyed due to an error. Ensure that the
  // `receiver` stream is closed after writing any remaining buffered data to
  // it. If the readable side of the socket is in flowing mode then there is no
  // buffered data as everything has been already written. If instead, the
  // socket is paused, any possible buffered data will be read as a single
  // chunk.
  //
  if (
    !this._readableState.endEmitted &&
    !websocket._closeFrameReceived &&
    !websocket._receiver._writableState.errorEmitted &&
    this._readableState.length !== 0
  ) {
    const chunk = this.read(this._readableState.length);

    websocket._receiver.write(chunk);
  }

  websocket._receiver.end();

  this[kWebSocket] = undefined;

  clearTimeout(websocket._closeTimer);

  if (
    websocket._receiver._writableState.finished ||
    websocket._receiver._writableState.errorEmitted
  ) {
    websocket.emitClose();
  } else {
    websocket._receiver.on('error', receiverOnFinish);
    websocket._receiver.on('finish', receiverOnFinish);
  }
}

/**
 * The listener of the socket `'data'` event.
 *
 * @param {Buffer} chunk A chunk of data
 * @private
 */
function socketOnData(chunk) {
  if (!this[kWebSocket]._receiver.write(chunk)) {
    this.pause();
  }
}

/**
 * The listener of the socket `'end'` event.
 *
 * @private
 */
function socketOnEnd() {
  const websocket = this[kWebSocket];

  websocket._readyState = WebSocket.CLOSING;
  websocket._receiver.end();
  this.end();
}

/**
 * The listener of the socket `'error'` event.
 *
 * @private
 */
function socketOnError() {
  const websocket = this[kWebSocket];

  this.removeListener('error', socketOnError);
  this.on('error', NOOP);

  if (websocket) {
    websocket._readyState = WebSocket.CLOSING;
    this.destroy();
  }
}


/***/ }),

/***/ 327:
/***/ ((module) => {

module.exports = eval("require")("bufferutil");


/***/ }),

/***/ 414:
/***/ ((module) => {

module.exports = eval("require")("utf-8-validate");


/***/ }),

/***/ 181:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("buffer");

/***/ }),

/***/ 317:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("child_process");

/***/ }),

/***/ 982:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("crypto");

/***/ }),

/***/ 434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 896:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");

/***/ }),

/***/ 611:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http");

/***/ }),

/***/ 692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("https");

/***/ }),

/***/ 278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 857:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("os");

/***/ }),

/***/ 928:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("path");

/***/ }),

/***/ 480:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("querystring");

/***/ }),

/***/ 203:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("stream");

/***/ }),

/***/ 756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 16:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("url");

/***/ }),

/***/ 23:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ }),

/***/ 106:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("zlib");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/************************************************************************/
var __webpack_exports__ = {};

;// CONCATENATED MODULE: external "node:fs/promises"
const promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");
;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
;// CONCATENATED MODULE: ./src/config/profiles.ts
// Profiles: named sets of defaults for the scenario sizes. Inputs the user sets win over them.
const PROFILES = ['quick', 'default', 'soak'];
/**
 * The defaults of the inputs that depend on the profile. These inputs have no plain default of their own (action.yml
 * declares them empty), so a value the user sets always wins, even one equal to the reference value.
 */
const PROFILE_DEFAULTS = {
    quick: {
        'warmup-connections': '3',
        'flap-cycles': '10',
        'leak-clients': '2',
        'leak-cycles': '10',
        'leak-rounds': '2',
        // 30 connections are too few for a trend: the fit would read a clean server's warm-up as a leak.
        'max-leak-kb-per-connection': 'off',
        'cooldown-ms': '1000',
        'recovery-hold-ms': '500',
    },
    // The reference workload: the plain defaults of every input a profile changes.
    default: {
        scenarios: 'flapping,leak,recovery',
        'warmup-connections': '5',
        'flap-cycles': '20',
        'flap-hold-ms': '100',
        'flap-pause-ms': '50',
        'leak-clients': '3',
        'leak-cycles': '15',
        'leak-rounds': '3',
        'max-leak-kb-per-connection': '100',
        'cooldown-ms': '2000',
        'recovery-hold-ms': '1000',
    },
    soak: {
        scenarios: 'flapping,leak,recovery,hostile',
        // V8 grows its heap over a Node server's first ~3,000 connections (RSS +28 MB on graphql-ws): warm up past it.
        'warmup-connections': '3000',
        'flap-hold-ms': '10',
        'flap-pause-ms': '10',
        'leak-clients': '10',
        'leak-cycles': '300',
        'leak-rounds': '6',
        'max-leak-kb-per-connection': '10',
    },
};
/** "20 (quick: 10)": an input's default under each profile, for help texts and docs; '' for an input no profile sets. */
function profiles_profileDefaultText(name) {
    const reference = PROFILE_DEFAULTS.default[name];
    if (reference === undefined)
        return '';
    const others = PROFILES.filter((p) => p !== 'default' && PROFILE_DEFAULTS[p][name] !== undefined).map((p) => `${p}: ${PROFILE_DEFAULTS[p][name]}`);
    return others.length === 0 ? reference : `${reference} (${others.join(', ')})`;
}

;// CONCATENATED MODULE: ./src/config/inputs.ts
// The one list of inputs: names, defaults and descriptions. action.yml repeats it (a test keeps them in sync).

const INPUTS = [
    // Server
    {
        name: 'server-command',
        default: '',
        description: 'Shell command that starts the server. Leave empty to attach to a server that is already running at `url`.',
    },
    { name: 'working-directory', default: '.', description: 'Directory the server command runs in.' },
    {
        name: 'server-env',
        default: '',
        description: 'Extra environment for the server, one KEY=VALUE per line. Reports and the comment show the names only (KEY=***).',
        secretValues: true,
    },
    {
        name: 'server-pid',
        default: '',
        description: 'Attach mode only: pid of the running server, for memory sampling. When empty, the owner of the listening port is found (/proc on ' +
            'Linux, lsof on macOS, Get-NetTCPConnection on Windows).',
    },
    {
        name: 'server-log',
        default: '',
        description: "File that receives the server's stdout and stderr. Empty: a file in the runner's temp directory, removed unless the run " +
            'fails, and named in the report when it does.',
    },
    {
        name: 'url',
        default: '',
        description: 'WebSocket URL of the server (ws:// or wss://). Required in gate mode. In launch mode, port 0 picks a free port and passes it to ' +
            'the server as PORT; a fixed port is not passed (set PORT in server-env if the server reads it).',
    },
    { name: 'startup-timeout-s', default: '30', description: 'Seconds to wait for the first successful WebSocket handshake.' },
    { name: 'shutdown-grace-s', default: '5', description: 'Seconds between SIGTERM and SIGKILL when the server tree is torn down.' },
    // Client
    {
        name: 'headers',
        default: '',
        description: 'Extra handshake headers, one `Name: value` per line. Values are masked as secrets.',
        secret: true,
    },
    { name: 'subprotocols', default: '', description: 'Comma-separated WebSocket subprotocols to offer.' },
    {
        name: 'protocol',
        default: 'auto',
        description: 'The protocol spoken on top of WebSocket: auto (detected from what the server does: an Engine.IO open packet, a subprotocol it ' +
            'asks for), raw, socket.io or graphql-ws. Recovery proves liveness through it.',
    },
    { name: 'connect-timeout-ms', default: '5000', description: 'A connection attempt fails when the handshake takes longer.' },
    { name: 'close-timeout-ms', default: '2000', description: "A disconnect is unclean when the server's close frame takes longer." },
    {
        name: 'ca-file',
        default: '',
        description: "PEM file of CA certificates to trust for a wss:// server, in addition to Node's bundled ones (a self-signed or private CA).",
    },
    {
        name: 'insecure-tls',
        default: 'false',
        description: 'true: accept any TLS certificate of a wss:// server, unverified. Only for a loopback test server; prefer ca-file.',
    },
    // Scenarios
    {
        name: 'scenarios',
        default: '',
        description: 'Scenarios to run, comma-separated: flapping, leak, recovery, hostile (malformed frames, an oversized message, a ping flood, ' +
            'stalled handshakes), dead-peers (clients that go silent), slow-consumer (a client that stops reading).',
    },
    { name: 'warmup-connections', default: '', description: 'Connections made before the memory baseline is taken.' },
    { name: 'flap-cycles', default: '', description: 'Flapping: connect/hold/close/pause cycles.' },
    { name: 'flap-hold-ms', default: '', description: 'Milliseconds each connection is held open (flapping and leak).' },
    { name: 'flap-pause-ms', default: '', description: 'Milliseconds between a close and the next connect (flapping and leak).' },
    { name: 'leak-clients', default: '', description: 'Leak prevention: concurrent clients.' },
    { name: 'leak-cycles', default: '', description: 'Leak prevention: cycles per client.' },
    {
        name: 'profile',
        default: 'default',
        description: 'Scenario sizes: quick, default (the reference: 20 flapping cycles, 3 clients x 15 cycles), or soak (thousands of connections, to ' +
            'catch small leaks). Inputs you set yourself win.',
    },
    {
        name: 'abrupt-ratio',
        default: '0.5',
        description: 'Leak prevention: share of cycles (0..1) that end with terminate(), like a vanished client, instead of a close handshake.',
    },
    {
        name: 'leak-rounds',
        default: '',
        description: 'Leak prevention: rounds the cycles are split into; memory is read after each to fit the leak per connection.',
    },
    {
        name: 'stats-url',
        default: '',
        description: 'Optional HTTP URL where the server reports its sessions as JSON, read at baseline and after cooldown. Port 0: the port of `url`.',
    },
    { name: 'stats-field', default: 'sessions', description: 'Field (dotted path) of the stats-url JSON that holds the session count.' },
    { name: 'cooldown-ms', default: '', description: 'Idle time after the load before retained memory is measured.' },
    { name: 'sample-interval-ms', default: '100', description: "Milliseconds between samples of the server tree's memory." },
    { name: 'recovery-pings', default: '3', description: 'Recovery: WebSocket pings that must all be answered.' },
    { name: 'recovery-messages', default: '5', description: 'Recovery: test messages to send.' },
    { name: 'recovery-hold-ms', default: '', description: 'Recovery: how long the stable connection is held.' },
    {
        name: 'message',
        default: 'ws-resilience-gate test message',
        description: 'Recovery: the test message, sent as given (a protocol packet works).',
    },
    { name: 'expect', default: 'none', description: 'Recovery: what a reply must be: none (sending is enough), any, echo, or /regex/flags.' },
    {
        name: 'hostile-max-bytes',
        default: '16777216',
        description: 'hostile: size in bytes of the oversized message, sent for real until the server reacts (it should close with 1009 first).',
    },
    { name: 'hostile-pings', default: '1000', description: 'hostile: pings written at once in the ping flood.' },
    {
        name: 'hostile-strict',
        default: 'false',
        description: 'hostile: true fails hostile-survived when a case is not handled as RFC 6455 asks (a wrong close code, a drop); false warns.',
    },
    // Faults (opt-in scenarios dead-peers and slow-consumer; network applies to flapping, leak and recovery)
    {
        name: 'network',
        default: 'none',
        description: 'Network faults on the flapping, leak and recovery traffic, injected by a proxy inside the gate: comma-separated key=value, e.g. ' +
            '`latency=100ms,jitter=20ms,slice=64,bandwidth=64kb,reset-ratio=0.2`. Keys: latency, jitter, bandwidth (bytes/s), slice (bytes), ' +
            'slice-delay, slow-close, blackhole (after a duration), reset-ratio (share of connections reset mid-handshake or mid-message; ' +
            'those are counted apart, not against the rates). ' +
            'Prefix up. or down. for one direction. `none`: no proxy.',
    },
    {
        name: 'dead-peer-clients',
        default: '5',
        description: 'dead-peers scenario: clients that complete the handshake and then go silent (no FIN, no RST).',
    },
    {
        name: 'dead-peer-timeout-s',
        default: '60',
        description: 'dead-peers scenario: seconds the server may keep a silent client open before `dead-peer-reaping` fails. A server reaps them with ' +
            'a ping/pong heartbeat.',
    },
    {
        name: 'slow-consumer-duration-s',
        default: '10',
        description: 'slow-consumer scenario: the longest time the client does not read.',
    },
    {
        name: 'slow-consumer-mb',
        default: '160',
        description: 'slow-consumer scenario: megabytes the client sends for the server to echo (ignored with subscribe-message).',
    },
    {
        name: 'subscribe-message',
        default: '',
        description: 'slow-consumer scenario: a message after which the server pushes to the client (the client then sends nothing else). Empty: the ' +
            'client sends messages the server echoes.',
    },
    {
        name: 'max-slow-consumer-growth-mb',
        default: '50',
        description: "Limit of the server tree's memory growth while one client does not read (`slow-consumer-memory`), or `off`.",
    },
    // Heap evidence (Node servers)
    {
        name: 'heap-snapshots',
        default: 'auto',
        description: 'auto: when the launched server is a Node process, take V8 heap snapshots (after warm-up, between leak rounds, after cooldown) to ' +
            'judge leaks by the heap after a full GC and name what it retains per connection; off: never.',
    },
    {
        name: 'heap-ignore',
        default: '',
        description: 'Comma-separated constructor or native type names that are bounded caches in your server: never reported as leaks.',
    },
    {
        name: 'heap-snapshot-dir',
        default: '',
        description: 'Keep the heap snapshots in this directory. They hold the server memory (tokens, user data): never upload them. Empty: a private ' +
            'temporary directory, deleted after reading.',
    },
    {
        name: 'heap-snapshot-timeout-s',
        default: '60',
        description: 'Seconds to wait for one heap snapshot before giving up on heap evidence (the verdict falls back to RSS).',
    },
    {
        name: 'heap-snapshot-max-mb',
        default: '512',
        description: 'No heap snapshot of a server process whose RSS is above this many MiB: writing one pauses the server and can double its memory.',
    },
    // Checks
    { name: 'min-connect-success-rate', default: '0.8', description: 'Lowest share of connection attempts that must open (0..1), or off.' },
    {
        name: 'min-disconnect-success-rate',
        default: '0.8',
        description: 'Lowest share of connections that must close cleanly (0..1), or off.',
    },
    {
        name: 'max-memory-growth-mb',
        default: '50',
        description: 'Largest retained memory growth of the server tree after cooldown, in MiB, or off.',
    },
    { name: 'max-peak-memory-growth-mb', default: 'off', description: 'Largest peak memory growth during load, in MiB, or off.' },
    {
        name: 'max-leak-kb-per-connection',
        default: '',
        description: 'Largest memory trend over the leak rounds, in KiB (1,024 bytes) per connection as the report shows it, or off.',
    },
    {
        name: 'max-fd-growth',
        default: '4',
        description: 'Largest growth of open file descriptors of the server tree after cooldown (Linux), or off.',
    },
    {
        name: 'max-lingering-connections',
        default: '0',
        description: 'Most TCP connections of the server on its port still ESTABLISHED or CLOSE_WAIT after cooldown (Linux), or off.',
    },
    {
        name: 'max-thread-growth',
        default: '4',
        description: 'Largest growth of the thread count of the server tree after cooldown (Linux), or off.',
    },
    {
        name: 'max-process-growth',
        default: '0',
        description: 'Largest growth of the number of processes in the server tree after cooldown, or off.',
    },
    { name: 'max-session-growth', default: '0', description: 'Largest growth of the sessions reported at stats-url after cooldown, or off.' },
    { name: 'warn-only', default: '', description: 'Comma-separated check ids that only warn instead of failing.' },
    {
        name: 'max-hostile-memory-growth-mb',
        default: '100',
        description: "hostile: most the server tree's memory may grow during the scenario, in MiB, or off. Healthy servers that take a 16 MiB message " +
            'grow by up to about 65 MiB.',
    },
    {
        name: 'max-retained-per-connection',
        default: '0.25',
        description: 'Heap evidence: fail when a constructor grows by at least this many instances per connection made, steadily across rounds and by ' +
            '20 or more in all, or off.',
    },
    // Against the base branch
    {
        name: 'baseline-report',
        default: '',
        description: 'JSON report of a run on the base branch; headline metrics are compared and regressions checked.',
    },
    {
        name: 'baseline-server-command',
        default: '',
        description: 'Shell command that starts the base branch server (e.g. checked out in another folder): it is gated in the same job, in rounds ' +
            'alternating with this one.',
    },
    {
        name: 'baseline-rounds',
        default: '2',
        description: 'With baseline-server-command: alternating rounds of base and this run; each side is judged by its medians.',
    },
    {
        name: 'max-regression-percent',
        default: '25',
        description: 'A metric regresses when it is worse than the base by more than this percentage and by more than its noise floor (see the README).',
    },
    { name: 'regression-level', default: 'error', description: 'What a regression against the base does: error (fails the gate) or warn.' },
    // Run
    {
        name: 'timeout-s',
        default: '300',
        description: 'Seconds the whole run may take; the gate stops, reports and fails when it is exceeded.',
    },
    {
        name: 'report-path',
        default: 'ws-resilience-report.json',
        description: "Where the JSON report is written (the CLI writes one only with --json or --report-path); a relative path is from the step's " +
            'directory (the workspace), not working-directory. In post-comment mode: the report to read.',
    },
    // PR comment (action only)
    {
        name: 'mode',
        default: 'gate',
        description: 'gate: run the gate. post-comment: only post the PR comment from the JSON report at `report-path` written by an earlier run (fork ' +
            'pull requests, see the README).',
        actionOnly: true,
    },
    {
        name: 'comment',
        default: 'always',
        description: 'When to post the PR comment: always, on-failure (create only when the gate fails, but always update an existing one), or never.',
        actionOnly: true,
    },
    {
        name: 'comment-key',
        default: '',
        description: "Identifies this gate's comment among others on the PR. Empty: the workflow name and job id of the run that wrote the report.",
        actionOnly: true,
    },
    {
        name: 'comment-author',
        default: 'github-actions[bot]',
        description: 'Login that owns the comment: only a comment by this author is ever updated. Set it when `github-token` is not the workflow token.',
        actionOnly: true,
    },
    {
        name: 'github-token',
        default: '${{ github.token }}',
        description: 'Token for the PR comment; needs `pull-requests: write`.',
        secret: true,
        actionOnly: true,
    },
    {
        name: 'pr-number',
        default: '',
        description: 'Pull request to comment on. Empty: the pull request of the triggering event (in post-comment mode: of the workflow run, or the ' +
            'one recorded in the report).',
        actionOnly: true,
    },
];
/** The inputs that configure the gate itself (CLI flags, the report's configuration); the others only steer the action's PR comment. */
const GATE_INPUTS = INPUTS.filter((i) => !('actionOnly' in i && i.actionOnly));
/** The description action.yml and the docs show: the profile defaults spelled out for an input a profile sets. */
function documentedDescription(name) {
    const input = INPUTS.find((i) => i.name === name);
    const byProfile = profileDefaultText(name);
    return byProfile === '' ? input.description : `${input.description} Default: ${byProfile}.`;
}
function inputs_inputDefault(name) {
    return INPUTS.find((i) => i.name === name).default;
}

;// CONCATENATED MODULE: ./src/model/config-error.ts
// Bad input: the one error every parser throws, naming the input, what was given and what is accepted.
/** Bad input: names the input, what was given and what is accepted. */
class ConfigError extends Error {
    input;
    given;
    accepted;
    constructor(input, given, accepted) {
        super(`'${input}' must be ${accepted}, got '${given.length > 200 ? `${given.slice(0, 200)}…` : given}'`);
        this.input = input;
        this.given = given;
        this.accepted = accepted;
        this.name = 'ConfigError';
    }
}

;// CONCATENATED MODULE: ./src/model/protocol.ts
// The protocol input's choices: `auto` (detected from what the server does) or the id of an adapter the client
// speaks (src/client/protocols/). Here, below both, so the client need not read the configuration's types.
const PROTOCOL_CHOICES = ['auto', 'raw', 'socket.io', 'graphql-ws'];

;// CONCATENATED MODULE: ./src/config/types.ts
// The validated configuration's types and the error for bad input: what every layer may import.


const SCENARIO_IDS = ['flapping', 'leak', 'recovery', 'hostile', 'dead-peers', 'slow-consumer'];
const RUN_MODES = ['gate', 'post-comment'];
const COMMENT_MODES = ['always', 'on-failure', 'never'];
/** Longest `comment-key`: it is repeated in every comment's hidden marker. */
const COMMENT_KEY_MAX = 100;

;// CONCATENATED MODULE: ./src/model/checks.ts
// The registry of checks: one entry per check, from which the ids, the regression ids and the docs table come.
const CHECKS = [
    {
        id: 'server-ready',
        title: 'server ready',
        input: null,
        unit: null,
        op: null,
        reads: 'A WebSocket handshake succeeds within startup-timeout-s.',
    },
    {
        id: 'connect-success-rate',
        title: 'connect success rate',
        input: 'min-connect-success-rate',
        unit: '%',
        op: '>=',
        reads: 'Share of connection attempts (flapping and leak) that opened within connect-timeout-ms.',
    },
    {
        id: 'disconnect-success-rate',
        title: 'clean disconnect rate',
        input: 'min-disconnect-success-rate',
        unit: '%',
        op: '>=',
        reads: 'Share of clean closes whose close frame came back within close-timeout-ms (connections cut on purpose are not judged).',
    },
    {
        id: 'memory-growth',
        title: 'retained memory growth',
        input: 'max-memory-growth-mb',
        unit: 'MiB',
        op: '<=',
        reads: "The server tree's RSS after cooldown minus its idle baseline.",
    },
    {
        id: 'peak-memory-growth',
        title: 'peak memory growth',
        input: 'max-peak-memory-growth-mb',
        unit: 'MiB',
        op: '<=',
        reads: "The server tree's highest RSS during load minus its idle baseline.",
    },
    {
        id: 'leak-per-connection',
        title: 'memory trend',
        input: 'max-leak-kb-per-connection',
        unit: 'KiB/conn',
        op: '<=',
        reads: 'Least-squares slope of retained memory against connections made, over the leak rounds.',
    },
    {
        id: 'retained-objects',
        title: 'retained objects',
        input: 'max-retained-per-connection',
        unit: 'count',
        op: '<=',
        reads: 'Node servers (heap snapshots after a full GC): the most instances of one constructor retained per connection made, steadily ' +
            'across rounds and 20 or more in all.',
    },
    {
        id: 'fd-growth',
        title: 'open fd growth',
        input: 'max-fd-growth',
        unit: 'count',
        op: '<=',
        reads: 'Open file descriptors of the server tree after cooldown minus at baseline (Linux).',
    },
    {
        id: 'lingering-connections',
        title: 'lingering connections',
        input: 'max-lingering-connections',
        unit: 'count',
        op: '<=',
        reads: "TCP connections on the server's port still ESTABLISHED or CLOSE_WAIT after cooldown (Linux).",
    },
    {
        id: 'thread-growth',
        title: 'thread growth',
        input: 'max-thread-growth',
        unit: 'count',
        op: '<=',
        reads: 'Threads of the server tree after cooldown minus at baseline (Linux).',
    },
    {
        id: 'process-growth',
        title: 'process growth',
        input: 'max-process-growth',
        unit: 'count',
        op: '<=',
        reads: 'Processes in the server tree after cooldown minus at baseline.',
    },
    {
        id: 'session-growth',
        title: 'session growth',
        input: 'max-session-growth',
        unit: 'count',
        op: '<=',
        reads: 'Sessions the server reports at stats-url after cooldown minus at baseline (only with stats-url).',
    },
    {
        id: 'recovery',
        title: 'recovery',
        input: null,
        unit: null,
        op: null,
        reads: 'After the load, one connection answers every ping and test message, and closes cleanly.',
    },
    {
        id: 'hostile-survived',
        title: 'survived hostile input',
        input: 'max-hostile-memory-growth-mb',
        unit: null,
        op: null,
        reads: 'hostile scenario: the server stays up, keeps accepting handshakes, passes recovery afterwards and grows its memory by at most ' +
            'the limit; answers that differ from RFC 6455 warn (fail with hostile-strict).',
    },
    {
        id: 'dead-peer-reaping',
        title: 'dead peers reaped',
        input: 'dead-peer-timeout-s',
        unit: null,
        op: null,
        reads: 'dead-peers scenario: every client that went silent (no FIN, no RST) is given up by the server, with a close frame or a TCP ' +
            'close, within dead-peer-timeout-s.',
    },
    {
        id: 'slow-consumer-memory',
        title: 'memory with a slow consumer',
        input: 'max-slow-consumer-growth-mb',
        unit: 'MiB',
        op: '<=',
        reads: "slow-consumer scenario: the server tree's peak RSS while one client does not read, minus its RSS before.",
    },
    {
        id: 'server-crash',
        title: 'server stayed up',
        input: null,
        unit: null,
        op: null,
        reads: "The server tree's root did not exit during the run.",
    },
    {
        id: 'run-completed',
        title: 'run completed',
        input: null,
        unit: null,
        op: null,
        reads: 'Every phase ran: no crash, timeout-s deadline or cancel cut the run short.',
    },
];
/** The headline metrics compared with the base branch; each adds a check `regression-<id>`. */
const COMPARED_METRICS = [
    { id: 'connect-success-rate', title: 'connect success rate', unit: '%', worse: 'down', floor: 0.05 },
    { id: 'disconnect-success-rate', title: 'clean disconnect rate', unit: '%', worse: 'down', floor: 0.05 },
    { id: 'handshake-p95', title: 'handshake p95', unit: 'ms', worse: 'up', floor: 50 },
    { id: 'memory-growth', title: 'retained memory growth', unit: 'MiB', worse: 'up', floor: 5 },
    { id: 'leak-per-connection', title: 'memory trend', unit: 'KiB/conn', worse: 'up', floor: 30 },
    { id: 'fd-growth', title: 'open fd growth', unit: 'count', worse: 'up', floor: 4 },
    { id: 'lingering-connections', title: 'lingering connections', unit: 'count', worse: 'up', floor: 0 },
];
/** Every check id the gate can report: `warn-only` accepts exactly these. */
const CHECK_IDS = [...CHECKS.map((c) => c.id), ...COMPARED_METRICS.map((m) => `regression-${m.id}`)];
/** The definition of a check (not of a regression check). */
function checkDefinition(id) {
    return CHECKS.find((c) => c.id === id);
}

;// CONCATENATED MODULE: ./src/net/toxics/delay-queue.ts
// Ordered, timed hand-over for the toxics that delay bytes: one timer per queue, chunks never overtake each other.
const now = () => performance.now();
/**
 * Holds chunks until their due time and hands them on in the order they were queued: a TCP stream keeps its
 * order, so a chunk given a shorter delay (jitter) still waits for the one before it.
 */
class DelayQueue {
    next;
    spacingMs;
    items = [];
    timer = null;
    lastDue = 0;
    destroyed = false;
    held = 0;
    /**
     * `spacingMs`: the least time between two hand-overs, even when a late timer finds several items due (the
     * slicer's segments must stay apart; latency and bandwidth catch up instead, keeping their schedule).
     */
    constructor(next, spacingMs = 0) {
        this.next = next;
        this.spacingMs = spacingMs;
    }
    /** Bytes queued and not yet handed on. */
    get heldBytes() {
        return this.held;
    }
    /** When the last queued item is due (performance.now() time); now when the queue is empty. */
    get tail() {
        return Math.max(this.lastDue, now());
    }
    /** Queues a chunk (null: the FIN) due `delayMs` from now, or after the item before it if that is later. */
    push(chunk, delayMs) {
        this.pushAt(chunk, now() + Math.max(0, delayMs));
    }
    /** Queues a chunk due at `due` (performance.now() time), or after the item before it if that is later. */
    pushAt(chunk, due) {
        if (this.destroyed)
            return;
        const at = Math.max(due, this.lastDue);
        this.lastDue = at;
        if (this.items.length === 0 && at <= now()) {
            this.deliver(chunk);
            return;
        }
        this.items.push({ due: at, chunk });
        this.held += chunk?.length ?? 0;
        this.schedule();
    }
    destroy() {
        this.destroyed = true;
        this.items.length = 0;
        this.held = 0;
        if (this.timer)
            clearTimeout(this.timer);
        this.timer = null;
    }
    deliver(chunk) {
        if (chunk === null)
            this.next.end();
        else
            this.next.write(chunk);
    }
    schedule() {
        if (this.timer || this.items.length === 0)
            return;
        this.timer = setTimeout(this.onTimer, Math.max(0, this.items[0].due - now()));
    }
    onTimer = () => {
        this.timer = null;
        // Node timers fire up to a millisecond early against performance.now(): that much early is on time.
        const until = now() + 1;
        while (!this.destroyed && this.items.length > 0 && this.items[0].due <= until) {
            const { chunk } = this.items.shift();
            this.held -= chunk?.length ?? 0;
            this.deliver(chunk);
            const following = this.items[0];
            if (this.spacingMs > 0 && following && chunk !== null) {
                following.due = Math.max(following.due, now() + this.spacingMs);
                this.lastDue = Math.max(this.lastDue, following.due);
                break;
            }
        }
        if (!this.destroyed)
            this.schedule();
    };
}

;// CONCATENATED MODULE: ./src/net/toxics/bandwidth.ts
// The bandwidth toxic: bytes leave no faster than a rate, in slices of a tenth of a second (Toxiproxy's `bandwidth`).

/** Slices of ~100 ms worth of bytes: small enough to keep the rate smooth, few enough to keep timers rare. */
function bandwidthSliceBytes(bytesPerSecond) {
    return Math.max(1, Math.floor(bytesPerSecond / 10));
}
/** How long `bytes` take on the wire at the rate, in milliseconds. */
function transmitMs(bytes, bytesPerSecond) {
    return (bytes * 1000) / bytesPerSecond;
}
/** `bandwidth=64kb` (bytes per second; kb = 1024 bytes). */
const bandwidth = {
    name: 'bandwidth',
    keys: { bandwidth: 'rate' },
    defaultDirections: ['upstream', 'downstream'],
    params(values) {
        const bytesPerSecond = values.bandwidth ?? 0;
        if (bytesPerSecond < 1)
            return 'bandwidth must be at least 1 byte per second';
        return { bytesPerSecond };
    },
    create(params, next) {
        const queue = new DelayQueue(next);
        const slice = bandwidthSliceBytes(params.bytesPerSecond);
        return {
            write(chunk) {
                // Each slice leaves when the one before it has had its time on the wire.
                for (let offset = 0; offset < chunk.length; offset += slice) {
                    const part = chunk.subarray(offset, offset + slice);
                    queue.pushAt(part, queue.tail + transmitMs(part.length, params.bytesPerSecond));
                }
            },
            end: () => queue.push(null, 0),
            destroy: () => queue.destroy(),
            get heldBytes() {
                return queue.heldBytes;
            },
        };
    },
};

;// CONCATENATED MODULE: ./src/net/toxics/blackhole.ts
// The blackhole toxic: after a while, forward nothing, not even the FIN, and keep both sockets open
// (Toxiproxy's `timeout` with timeout 0): to the other side the peer is dead without a word.
/** A stage that passes bytes until swallow() (or its timer) turns it into a hole. The proxy's blackhole() uses it too. */
class BlackholeStage {
    next;
    swallowing = false;
    timer = null;
    /** Bytes dropped since it started swallowing. */
    dropped = 0;
    /** Sees every chunk it drops (the dead-peer scenario looks for the server's close frame in them). */
    onSwallow = null;
    constructor(next, afterMs) {
        this.next = next;
        if (afterMs === 0)
            this.swallowing = true;
        else if (afterMs !== null)
            this.timer = setTimeout(this.swallow, afterMs);
    }
    get isSwallowing() {
        return this.swallowing;
    }
    /** From now on, forward nothing. */
    swallow = () => {
        this.swallowing = true;
        if (this.timer)
            clearTimeout(this.timer);
        this.timer = null;
    };
    write(chunk) {
        if (this.swallowing) {
            this.dropped += chunk.length;
            this.onSwallow?.(chunk);
        }
        else
            this.next.write(chunk);
    }
    end() {
        if (!this.swallowing)
            this.next.end();
    }
    destroy() {
        if (this.timer)
            clearTimeout(this.timer);
        this.timer = null;
    }
}
/** `blackhole=5s`: every connection goes silent 5 s after it opened (`blackhole=0` from the start). */
const blackhole = {
    name: 'blackhole',
    keys: { blackhole: 'duration' },
    defaultDirections: ['upstream', 'downstream'],
    params: (values) => ({ afterMs: values.blackhole ?? 0 }),
    create: (params, next) => new BlackholeStage(next, params.afterMs),
};

;// CONCATENATED MODULE: ./src/net/toxics/latency.ts
// The latency toxic: every chunk waits latency ± jitter before it goes on (Toxiproxy's `latency`).

/** The delay of one chunk for a draw `random` in [0, 1). */
function latencyDelay(params, random) {
    return Math.max(0, params.latencyMs + (random * 2 - 1) * params.jitterMs);
}
/** `latency=100ms,jitter=20ms`: jitter alone means nothing and is refused. */
const latency = {
    name: 'latency',
    keys: { latency: 'duration', jitter: 'duration' },
    defaultDirections: ['upstream', 'downstream'],
    params(values) {
        const jitterMs = values.jitter ?? 0;
        const latencyMs = values.latency ?? 0;
        if (jitterMs > latencyMs)
            return `jitter (${jitterMs} ms) must not exceed latency (${latencyMs} ms)`;
        return { latencyMs, jitterMs };
    },
    create(params, next, context) {
        const queue = new DelayQueue(next);
        return {
            write: (chunk) => queue.push(chunk, latencyDelay(params, context.random())),
            // The FIN travels the same wire: it arrives after the last byte, delayed like one.
            end: () => queue.push(null, latencyDelay(params, context.random())),
            destroy: () => queue.destroy(),
            get heldBytes() {
                return queue.heldBytes;
            },
        };
    },
};

;// CONCATENATED MODULE: ./src/net/toxics/reset.ts
// The reset toxic: a share of connections ends in an RST at a random point, mid-handshake or mid-message
// (Toxiproxy's `reset_peer`, decided per connection).
/** The plan for one connection from three draws in [0, 1): whether, where, and how far into the chunk. */
function resetPlan(ratio, draws) {
    if (draws[0] >= ratio)
        return null;
    return { at: draws[1] < 0.5 ? 'handshake' : 'message', fraction: draws[2] };
}
/** Bytes of a chunk of `length` let through before the RST: at least one (else the cut is not mid-anything), at most length - 1. */
function cutOffset(length, fraction) {
    if (length <= 1)
        return 0;
    return 1 + Math.floor(fraction * (length - 1));
}
/** `reset-ratio=0.2` (or 20%): decided on the client-to-server bytes, once per connection. */
const reset_reset = {
    name: 'reset',
    keys: { 'reset-ratio': 'ratio' },
    defaultDirections: ['upstream'],
    params: (values) => ({ ratio: values['reset-ratio'] ?? 0 }),
    create(params, next, context) {
        const plan = resetPlan(params.ratio, [context.random(), context.random(), context.random()]);
        let chunks = 0;
        let done = false;
        return {
            write(chunk) {
                if (done)
                    return;
                const index = chunks++;
                if (plan && index === (plan.at === 'handshake' ? 0 : 1)) {
                    const cut = cutOffset(chunk.length, plan.fraction);
                    if (cut > 0)
                        next.write(chunk.subarray(0, cut));
                    done = true;
                    context.reset(`reset toxic: mid-${plan.at} after ${cut} of ${chunk.length} bytes`);
                    return;
                }
                next.write(chunk);
            },
            end: () => {
                if (!done)
                    next.end();
            },
            destroy: () => {
                done = true;
            },
        };
    },
};

;// CONCATENATED MODULE: ./src/net/toxics/slicer.ts
// The slicer toxic: each write is cut into segments of N bytes sent apart (Toxiproxy's `slicer`), so a frame
// arrives in pieces and the server's parser must reassemble it.

/** The segments of one chunk (views, no copies). */
function sliceChunk(chunk, sliceBytes) {
    const parts = [];
    for (let offset = 0; offset < chunk.length; offset += sliceBytes)
        parts.push(chunk.subarray(offset, offset + sliceBytes));
    return parts;
}
/** `slice=64,slice-delay=1ms` (the delay defaults to 1 ms: without one, the kernel would merge the segments again). */
const slicer = {
    name: 'slicer',
    keys: { slice: 'bytes', 'slice-delay': 'duration' },
    defaultDirections: ['upstream', 'downstream'],
    params(values) {
        const sliceBytes = values.slice ?? 0;
        if (!Number.isInteger(sliceBytes) || sliceBytes < 1)
            return 'slice must be a whole number of bytes >= 1';
        return { sliceBytes, delayMs: values['slice-delay'] ?? 1 };
    },
    create(params, next) {
        const queue = new DelayQueue(next, params.delayMs);
        return {
            write(chunk) {
                for (const part of sliceChunk(chunk, params.sliceBytes))
                    queue.pushAt(part, queue.tail + params.delayMs);
            },
            end: () => queue.push(null, 0),
            destroy: () => queue.destroy(),
            get heldBytes() {
                return queue.heldBytes;
            },
        };
    },
};

;// CONCATENATED MODULE: ./src/net/toxics/slow-close.ts
// The slow-close toxic: the FIN is held back for a while after the last byte (Toxiproxy's `slow_close`).

/** `slow-close=2s`: a peer that lingers before it hangs up. */
const slowClose = {
    name: 'slow-close',
    keys: { 'slow-close': 'duration' },
    defaultDirections: ['upstream', 'downstream'],
    params: (values) => ({ delayMs: values['slow-close'] ?? 0 }),
    create(params, next) {
        const queue = new DelayQueue(next);
        return {
            write: (chunk) => queue.push(chunk, 0),
            end: () => queue.push(null, params.delayMs),
            destroy: () => queue.destroy(),
            get heldBytes() {
                return queue.heldBytes;
            },
        };
    },
};

;// CONCATENATED MODULE: ./src/net/toxics/index.ts
// The registry of toxics: one line each. The `network` parser and the proxy know toxics only through it.






/**
 * Every toxic by name, in the order a chunk passes them on its way. Reset first: it counts the writes as the
 * sender made them (its "message" is the first write after the upgrade), before the slicer splits them.
 */
const TOXICS = {
    reset: reset_reset,
    latency: latency,
    bandwidth: bandwidth,
    slicer: slicer,
    'slow-close': slowClose,
    blackhole: blackhole,
};
const TOXIC_NAMES = Object.keys(TOXICS);

;// CONCATENATED MODULE: ./src/net/spec.ts
// The `network` input (pure): `latency=100ms,jitter=20ms,slice=64,bandwidth=64kb,reset-ratio=0.2` into typed toxics.


const INPUT = 'network';
const DIRECTION_PREFIX = { 'up.': 'upstream', 'down.': 'downstream' };
const KIND_FORMS = {
    duration: 'a duration (100ms, 1.5s; a bare number is ms)',
    bytes: 'a size (64, 512b, 4kb, 1mb; kb = 1024 bytes)',
    rate: 'bytes per second (64kb, 1mb/s, 8000)',
    ratio: 'a share from 0 to 1 (0.2 or 20%)',
};
/** Every key any toxic reads, with its toxic. */
function keyTable() {
    const table = new Map();
    for (const toxic of TOXIC_NAMES) {
        for (const [key, kind] of Object.entries(TOXICS[toxic].keys))
            table.set(key, { toxic, kind });
    }
    return table;
}
/** The accepted form, one line, for error messages and docs. */
function networkForm() {
    const keys = [...keyTable().keys()].join(', ');
    return (`'none' or comma-separated key=value pairs (keys: ${keys}; prefix up. or down. for one direction), e.g. ` +
        `latency=100ms,jitter=20ms,slice=64,bandwidth=64kb,reset-ratio=0.2`);
}
const UNITS = {
    duration: { '': 1, ms: 1, s: 1000 },
    bytes: { '': 1, b: 1, kb: 1024, mb: 1024 * 1024 },
    rate: { '': 1, b: 1, kb: 1024, mb: 1024 * 1024 },
    ratio: { '': 1, '%': 0.01 },
};
/** A value of `kind` as a number (ms, bytes, bytes/s, 0..1); null when it is not of that form. */
function parseValue(kind, raw) {
    const text = raw.trim().toLowerCase();
    const body = kind === 'rate' ? text.replace(/\/s$/, '') : text;
    const match = /^(\d+(?:\.\d+)?|\.\d+)\s*([a-z%]*)$/.exec(body);
    if (!match)
        return null;
    const factor = UNITS[kind][match[2]];
    if (factor === undefined)
        return null;
    const value = Number(match[1]) * factor;
    if (!Number.isFinite(value))
        return null;
    if (kind === 'ratio' && value > 1)
        return null;
    return kind === 'bytes' || kind === 'rate' ? Math.round(value) : value;
}
/** Parses the `network` input; throws ConfigError naming the input, the offending pair and the accepted form. */
function parseNetwork(raw) {
    const text = raw.trim();
    if (text === '' || /^(none|off)$/i.test(text))
        return { text: '', toxics: [] };
    const keys = keyTable();
    const fail = (given, why) => {
        throw new ConfigError(INPUT, given, why ? `${networkForm()}; ${why}` : networkForm());
    };
    // toxic -> direction -> key -> value
    const groups = new Map();
    for (const pair of text.split(',').map((p) => p.trim())) {
        if (pair === '')
            fail(text, 'an empty pair');
        const eq = pair.indexOf('=');
        if (eq <= 0)
            fail(pair, 'each pair is key=value');
        let key = pair.slice(0, eq).trim().toLowerCase();
        const value = pair.slice(eq + 1).trim();
        let directions = null;
        for (const [prefix, direction] of Object.entries(DIRECTION_PREFIX)) {
            if (key.startsWith(prefix)) {
                key = key.slice(prefix.length);
                directions = [direction];
            }
        }
        const known = keys.get(key);
        if (!known)
            fail(pair, `unknown toxic key '${key}'`);
        const number = parseValue(known.kind, value);
        if (number === null)
            fail(pair, `${key} takes ${KIND_FORMS[known.kind]}`);
        const toxic = TOXICS[known.toxic];
        const byDirection = groups.get(known.toxic) ?? new Map();
        groups.set(known.toxic, byDirection);
        for (const direction of directions ?? toxic.defaultDirections) {
            const values = byDirection.get(direction) ?? {};
            if (values[key] !== undefined)
                fail(pair, `${key} is given twice for the ${direction} direction`);
            values[key] = number;
            byDirection.set(direction, values);
        }
    }
    const toxics = [];
    for (const direction of ['upstream', 'downstream']) {
        for (const name of TOXIC_NAMES) {
            const values = groups.get(name)?.get(direction);
            if (!values)
                continue;
            const toxic = TOXICS[name];
            const main = Object.keys(toxic.keys)[0];
            if (values[main] === undefined)
                fail(text, `${Object.keys(values).join(', ')} needs ${main} on the ${direction} direction`);
            const params = toxic.params(values);
            if (typeof params === 'string')
                fail(text, params);
            toxics.push({ toxic: name, direction, params });
        }
    }
    return { text, toxics };
}

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: ./src/config/files.ts
// The inputs that name files and folders: read or checked once, before anything starts, so a wrong path is bad input.


/** Largest ca-file read: a bundle of every public CA is about 250 KB. */
const CA_FILE_MAX_BYTES = 5 * 1024 * 1024;
/**
 * The PEM text of ca-file, read once before anything starts so a wrong path is bad input (one line naming
 * the input), not a wss:// handshake that fails at every attempt until startup-timeout-s.
 */
function readCaFile(path) {
    if (path === '')
        return null;
    const accepted = (why) => `the path of a readable PEM file of CA certificates (${why})`;
    let text;
    try {
        const stat = (0,external_node_fs_namespaceObject.statSync)(path);
        if (!stat.isFile())
            throw new ConfigError('ca-file', path, accepted('not a file'));
        if (stat.size > CA_FILE_MAX_BYTES)
            throw new ConfigError('ca-file', path, accepted(`larger than ${CA_FILE_MAX_BYTES / 1024 / 1024} MB`));
        text = (0,external_node_fs_namespaceObject.readFileSync)(path, 'utf8');
    }
    catch (err) {
        if (err instanceof ConfigError)
            throw err;
        const code = err.code;
        throw new ConfigError('ca-file', path, accepted(code === 'ENOENT' ? 'no such file' : (code ?? 'unreadable')));
    }
    if (!text.includes('-----BEGIN CERTIFICATE-----'))
        throw new ConfigError('ca-file', path, accepted('no -----BEGIN CERTIFICATE----- in it'));
    return text;
}
/** The server's directory must exist before anything starts (only a launched server needs one). */
function parseWorkingDirectory(path, launching) {
    if (!launching)
        return path;
    let isDirectory = false;
    try {
        isDirectory = (0,external_node_fs_namespaceObject.statSync)(path).isDirectory();
    }
    catch {
        // reported below
    }
    if (!isDirectory)
        throw new ConfigError('working-directory', path, 'an existing directory (the server command runs there)');
    return path;
}

;// CONCATENATED MODULE: ./src/config/resolve.ts
// How each input's value is found: the value given, else the profile's default, else the plain one. Pure.



/**
 * How each input's value is found: the value given, else the profile's default, else the plain one.
 * `explicit` tells a value the user chose from a default.
 */
function resolveInputs(raw, defaults) {
    const profileText = raw.profile?.trim() || defaults.profile || inputs_inputDefault('profile');
    if (!PROFILES.includes(profileText))
        throw new ConfigError('profile', profileText, `one of ${PROFILES.join(', ')}`);
    const profile = profileText;
    const defaultOf = (name) => defaults[name] ?? PROFILE_DEFAULTS[profile][name] ?? PROFILE_DEFAULTS.default[name] ?? inputs_inputDefault(name);
    // Inputs a profile sets have no default in action.yml, so the runner passes them only when the user set them:
    // any value given is the user's choice and wins over the profile.
    const given = (name) => {
        const value = raw[name]?.trim();
        return value === undefined || value === '' ? null : value;
    };
    const get = (name) => given(name) ?? defaultOf(name);
    const explicit = (name) => {
        const value = given(name);
        return value !== null && value !== defaultOf(name);
    };
    return { profile, get, explicit };
}
/** Every input's default under a profile (the reference one when the name is unknown), for "settings not default". */
function defaultSettings(profileName) {
    const profile = PROFILES.includes(profileName) ? profileName : 'default';
    return Object.fromEntries(INPUTS.map((i) => [i.name, PROFILE_DEFAULTS[profile][i.name] ?? PROFILE_DEFAULTS.default[i.name] ?? i.default]));
}

;// CONCATENATED MODULE: ./src/config/scalars.ts
// Scalar parsers for input values: each names the input and what it accepts when the value is bad. Pure.

/** "a, b or c" */
function orList(words) {
    return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}
function oneOf(name, text, known) {
    const lower = text.toLowerCase();
    if (!known.includes(lower))
        throw new ConfigError(name, text, orList(known));
    return lower;
}
function parseNumber(name, text, min, max) {
    const value = /^[+]?(\d+(\.\d*)?|\.\d+)$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isFinite(value) || value < min || value > max) {
        throw new ConfigError(name, text, `a number from ${min} to ${max}`);
    }
    return value;
}
function parseInteger(name, text, min, max) {
    const value = /^[+]?\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
        throw new ConfigError(name, text, `a whole number from ${min} to ${max}`);
    }
    return value;
}
function parseLimit(name, text, min, max) {
    if (text.toLowerCase() === 'off')
        return null;
    try {
        return parseNumber(name, text, min, max);
    }
    catch {
        throw new ConfigError(name, text, `a number from ${min} to ${max}, or off`);
    }
}
function parseUrl(text, launching) {
    if (text === '')
        throw new ConfigError('url', text, 'a ws:// or wss:// URL (it is required)');
    let url;
    try {
        url = new URL(text);
    }
    catch {
        throw new ConfigError('url', text, 'a ws:// or wss:// URL');
    }
    if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
        throw new ConfigError('url', text, 'a ws:// or wss:// URL');
    }
    if (url.port === '0' && !launching) {
        throw new ConfigError('url', text, 'a URL with a real port in attach mode (port 0 picks a free port only when server-command is set)');
    }
    return text;
}
function parseBoolean(name, text) {
    const lower = text.toLowerCase();
    if (lower !== 'true' && lower !== 'false')
        throw new ConfigError(name, text, 'true or false');
    return lower === 'true';
}
function parseStatsUrl(text) {
    if (text === '')
        return null;
    let url = null;
    try {
        url = new URL(text);
    }
    catch {
        // reported below
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
        throw new ConfigError('stats-url', text, 'an http:// or https:// URL, or empty');
    }
    return text;
}
function parseField(text) {
    if (!/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/.test(text)) {
        throw new ConfigError('stats-field', text, 'a JSON field name or dotted path such as sessions or ws.clients');
    }
    return text;
}
function parseList(text) {
    return text
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
}
function parseIdList(name, text, known, allowEmpty = false) {
    const ids = parseList(text);
    const accepted = `a comma-separated list of ${known.join(', ')}`;
    for (const id of ids) {
        if (!known.includes(id))
            throw new ConfigError(name, text, accepted);
    }
    if (ids.length === 0 && !allowEmpty)
        throw new ConfigError(name, text, accepted);
    return [...new Set(ids)];
}
function nonEmptyLines(text) {
    return text
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l !== '' && !l.startsWith('#'));
}
function parseKeyValueLines(name, text) {
    const env = {};
    for (const line of nonEmptyLines(text)) {
        const eq = line.indexOf('=');
        const key = eq > 0 ? line.slice(0, eq).trim() : '';
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
            throw new ConfigError(name, line, 'lines of KEY=VALUE (KEY: letters, digits and _, not starting with a digit)');
        }
        env[key] = line.slice(eq + 1);
    }
    return env;
}
function parseHeaders(text) {
    const headers = {};
    for (const line of nonEmptyLines(text)) {
        const colon = line.indexOf(':');
        const name = colon > 0 ? line.slice(0, colon).trim() : '';
        // The value is a secret: name the line by its header name only.
        if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
            throw new ConfigError('headers', colon > 0 ? `${name}: ***` : '***', 'lines of `Name: value` (a header name, a colon, a value)');
        }
        headers[name] = line.slice(colon + 1).trim();
    }
    return headers;
}
function parseExpect(text) {
    const lower = text.toLowerCase();
    if (lower === 'none' || lower === 'any' || lower === 'echo')
        return { kind: lower };
    const match = /^\/(.*)\/([a-z]*)$/s.exec(text);
    if (match) {
        const [, source = '', flags = ''] = match;
        try {
            new RegExp(source, flags);
        }
        catch (err) {
            throw new ConfigError('expect', text, `none, any, echo, or a /regex/ that compiles (${err.message})`);
        }
        return { kind: 'regex', source, flags };
    }
    throw new ConfigError('expect', text, 'none, any, echo, or /regex/flags');
}
/** Parses the `protocol` input (case-insensitive; `socketio` and `socket-io` are read as socket.io). */
function parseProtocol(text) {
    const value = text.trim().toLowerCase();
    if (value === '')
        return 'auto';
    const spelled = value === 'socketio' || value === 'socket-io' ? 'socket.io' : value;
    const choice = PROTOCOL_CHOICES.find((c) => c === spelled);
    if (!choice)
        throw new ConfigError('protocol', text, `one of ${PROTOCOL_CHOICES.join(', ')}`);
    return choice;
}

;// CONCATENATED MODULE: ./src/config/parse.ts
// Turns raw inputs (strings from the action or the CLI) into one validated Config, or one ConfigError.
// The only I/O is in files.ts (ca-file is read, working-directory checked) so a wrong path is bad input too.







/**
 * Builds the Config from raw inputs, or throws a ConfigError for the first bad one.
 * `defaults` replaces some defaults (the CLI writes no JSON report unless asked).
 */
function parseConfig(raw, defaults = {}) {
    // The action's own inputs are checked here too, so one call reports any bad input before anything starts.
    parseRunMode(raw);
    parseCommentConfig(raw);
    const { profile, get, explicit } = resolveInputs(raw, defaults);
    const int = (name, min, max = Number.MAX_SAFE_INTEGER) => parseInteger(name, get(name), min, max);
    const limit = (name, min, max) => ({
        value: parseLimit(name, get(name), min, max),
        explicit: explicit(name),
    });
    const command = get('server-command');
    const serverPidText = get('server-pid');
    const serverPid = serverPidText === '' ? null : parseInteger('server-pid', serverPidText, 1, 2 ** 31 - 1);
    if (command !== '' && serverPid !== null) {
        throw new ConfigError('server-pid', serverPidText, 'empty when server-command is set (the gate knows the pid of a server it launches)');
    }
    const config = {
        server: {
            command: command === '' ? null : command,
            workingDirectory: parseWorkingDirectory(get('working-directory'), command !== ''),
            env: parseKeyValueLines('server-env', raw['server-env'] ?? ''),
            pid: serverPid,
            logPath: get('server-log') === '' ? null : get('server-log'),
            startupTimeoutMs: int('startup-timeout-s', 1, 3600) * 1000,
            shutdownGraceMs: parseNumber('shutdown-grace-s', get('shutdown-grace-s'), 0, 600) * 1000,
        },
        client: {
            url: parseUrl(get('url'), command !== ''),
            headers: parseHeaders(raw.headers ?? ''),
            subprotocols: parseList(get('subprotocols')),
            connectTimeoutMs: int('connect-timeout-ms', 1, 600_000),
            closeTimeoutMs: int('close-timeout-ms', 1, 600_000),
            ca: readCaFile(get('ca-file')),
            insecureTls: parseBoolean('insecure-tls', get('insecure-tls')),
            protocol: parseProtocol(get('protocol')),
        },
        profile,
        scenarios: parseIdList('scenarios', get('scenarios'), SCENARIO_IDS),
        warmupConnections: int('warmup-connections', 0, 100_000),
        flapping: {
            cycles: int('flap-cycles', 1, 1_000_000),
            holdMs: int('flap-hold-ms', 0, 600_000),
            pauseMs: int('flap-pause-ms', 0, 600_000),
        },
        leak: {
            clients: int('leak-clients', 1, 100_000),
            cycles: int('leak-cycles', 1, 1_000_000),
            rounds: int('leak-rounds', 1, 1000),
            abruptRatio: parseNumber('abrupt-ratio', get('abrupt-ratio'), 0, 1),
        },
        stats: { url: parseStatsUrl(get('stats-url')), field: parseField(get('stats-field')) },
        cooldownMs: int('cooldown-ms', 0, 600_000),
        sampleIntervalMs: int('sample-interval-ms', 10, 60_000),
        recovery: {
            pings: int('recovery-pings', 0, 10_000),
            messages: int('recovery-messages', 0, 10_000),
            holdMs: int('recovery-hold-ms', 0, 600_000),
            message: raw.message === undefined || raw.message === '' ? get('message') : raw.message,
            expect: parseExpect(get('expect')),
            messageIsDefault: !explicit('message') && !explicit('expect'),
        },
        heap: {
            enabled: oneOf('heap-snapshots', get('heap-snapshots'), ['auto', 'off']) === 'auto',
            ignore: parseList(get('heap-ignore')),
            keepDir: get('heap-snapshot-dir') === '' ? null : get('heap-snapshot-dir'),
            timeoutMs: int('heap-snapshot-timeout-s', 1, 3600) * 1000,
            maxRssBytes: int('heap-snapshot-max-mb', 1, 1_048_576) * 1024 * 1024,
        },
        faults: {
            network: parseNetwork(get('network')),
            deadPeers: {
                clients: int('dead-peer-clients', 1, 1000),
                timeoutMs: parseNumber('dead-peer-timeout-s', get('dead-peer-timeout-s'), 1, 3600) * 1000,
            },
            slowConsumer: {
                durationMs: parseNumber('slow-consumer-duration-s', get('slow-consumer-duration-s'), 1, 600) * 1000,
                maxBytes: parseNumber('slow-consumer-mb', get('slow-consumer-mb'), 1, 4096) * 1024 * 1024,
                messageBytes: 64 * 1024,
                subscribeMessage: raw['subscribe-message'] === undefined || raw['subscribe-message'] === '' ? null : raw['subscribe-message'],
            },
        },
        hostile: {
            maxBytes: int('hostile-max-bytes', 65_536, 1024 * 1024 * 1024),
            pings: int('hostile-pings', 1, 100_000),
            strict: parseBoolean('hostile-strict', get('hostile-strict')),
        },
        limits: {
            minConnectSuccessRate: limit('min-connect-success-rate', 0, 1),
            minDisconnectSuccessRate: limit('min-disconnect-success-rate', 0, 1),
            maxMemoryGrowthMb: limit('max-memory-growth-mb', 0, 1_000_000),
            maxPeakMemoryGrowthMb: limit('max-peak-memory-growth-mb', 0, 1_000_000),
            maxLeakKbPerConnection: limit('max-leak-kb-per-connection', 0, 1_000_000),
            maxFdGrowth: limit('max-fd-growth', 0, 1_000_000),
            maxLingeringConnections: limit('max-lingering-connections', 0, 1_000_000),
            maxThreadGrowth: limit('max-thread-growth', 0, 1_000_000),
            maxProcessGrowth: limit('max-process-growth', 0, 1_000_000),
            maxSessionGrowth: limit('max-session-growth', 0, 1_000_000),
            maxHostileMemoryGrowthMb: limit('max-hostile-memory-growth-mb', 0, 1_000_000),
            maxRetainedPerConnection: limit('max-retained-per-connection', 0.01, 1000),
            maxSlowConsumerGrowthMb: limit('max-slow-consumer-growth-mb', 0, 1_000_000),
        },
        warnOnly: parseIdList('warn-only', get('warn-only'), CHECK_IDS, true),
        baseCompare: parseBaseCompare(get('baseline-report'), get('baseline-server-command'), int('baseline-rounds', 1, 20), get),
        timeoutMs: int('timeout-s', 1, 6 * 3600) * 1000,
        reportPath: get('report-path') === '' ? null : get('report-path'),
    };
    return config;
}
function assertKnownInputs(raw) {
    for (const name of Object.keys(raw)) {
        if (!INPUTS.some((i) => i.name === name)) {
            throw new ConfigError(name, String(raw[name]), `one of the known inputs (${INPUTS.map((i) => i.name).join(', ')})`);
        }
    }
}
/** The comment inputs, validated. An unexpanded `${{ github.token }}` (outside a runner) means no token. */
function parseCommentConfig(raw) {
    assertKnownInputs(raw);
    const get = (name) => {
        const value = raw[name]?.trim();
        return value === undefined || value === '' ? inputs_inputDefault(name) : value;
    };
    const key = get('comment-key');
    if (key.length > COMMENT_KEY_MAX || /[\r\n]/.test(key)) {
        throw new ConfigError('comment-key', key, `one line of at most ${COMMENT_KEY_MAX} characters`);
    }
    const token = get('github-token');
    const prText = get('pr-number');
    return {
        mode: oneOf('comment', get('comment'), COMMENT_MODES),
        key: key === '' ? null : key,
        // Compared with each comment's login; "@name" is how people write it in prose.
        author: get('comment-author').replace(/^@/, ''),
        token: token === inputs_inputDefault('github-token') ? '' : token,
        prNumber: prText === '' ? null : parseInteger('pr-number', prText, 1, 2 ** 31 - 1),
    };
}
function parseRunMode(raw) {
    return oneOf('mode', raw.mode?.trim() || inputs_inputDefault('mode'), RUN_MODES);
}
/** Builds the action's configuration; in post-comment mode the gate's inputs (url, server-command, …) are not read. */
function parseActionConfig(raw) {
    const mode = parseRunMode(raw);
    const comment = parseCommentConfig(raw);
    if (mode === 'gate')
        return { mode, gate: parseConfig(raw), comment };
    const reportPath = raw['report-path']?.trim() || inputDefault('report-path');
    return { mode, reportPath, comment };
}
function parseBaseCompare(reportPath, serverCommand, rounds, get) {
    if (reportPath !== '' && serverCommand !== '') {
        throw new ConfigError('baseline-report', reportPath, 'empty when baseline-server-command is set (compare with one base: a report or a server)');
    }
    const level = get('regression-level').toLowerCase();
    if (level !== 'error' && level !== 'warn')
        throw new ConfigError('regression-level', get('regression-level'), 'error or warn');
    return {
        reportPath: reportPath === '' ? null : reportPath,
        serverCommand: serverCommand === '' ? null : serverCommand,
        rounds,
        maxRegressionPercent: parseNumber('max-regression-percent', get('max-regression-percent'), 0, 10_000),
        level,
    };
}
/** The effective configuration as name -> value, secrets masked, for the report. */
/** `KEY=value` lines as `KEY=***`: a server-env line often carries an API key from the workflow's secrets. */
function maskedValues(lines) {
    return lines
        .split('\n')
        .map((line) => line.replace(/=.*$/, '=***'))
        .join('\n');
}
function describeConfig(raw, defaults = {}) {
    const out = {};
    let get;
    try {
        get = resolveInputs(raw, defaults).get;
    }
    catch {
        get = (name) => raw[name]?.trim() || (defaults[name] ?? inputs_inputDefault(name));
    }
    // The comment inputs steer the action, not the measurement; the token stays out even masked.
    for (const input of GATE_INPUTS) {
        const value = get(input.name);
        if ('secret' in input && input.secret && value !== '')
            out[input.name] = '***';
        else if ('secretValues' in input && input.secretValues)
            out[input.name] = maskedValues(value);
        else
            out[input.name] = value;
    }
    return out;
}

;// CONCATENATED MODULE: ./src/model/report.ts
// The Report: everything one run learned, as plain JSON-serialisable data. Imported by every layer.
/** Bumped whenever a field changes meaning or disappears; readers compare it before trusting a report. */
const REPORT_SCHEMA_VERSION = 1;
/** Attempts the connect rate judges: all but those the gate's reset toxic cut mid-handshake. */
function judgedAttempts(s) {
    return s.attempts - (s.injectedResets?.connect ?? 0);
}
/** Closes the clean-close rate judges: those tried with a close frame, but for those the reset toxic cut. */
function judgedCloses(s) {
    // Reports from before abrupt closes existed lack the field.
    return s.connected - (s.abruptDisconnects ?? 0) - (s.injectedResets?.disconnect ?? 0);
}
/** Connections the gate's reset toxic ended, in all. */
function injectedResets(s) {
    return (s.injectedResets?.connect ?? 0) + (s.injectedResets?.disconnect ?? 0);
}
/** What came after a stop, in words: "3 checks not measured after the crash", "teardown after the cancel". */
const AFTER_STOP = {
    crash: 'after the crash',
    timeout: 'after the deadline',
    cancelled: 'after the cancel',
    'startup-failed': 'because the server did not start',
    error: 'after the error',
};

;// CONCATENATED MODULE: ./src/model/format.ts
// Number formatting shared by checks and renderers, so a figure reads the same everywhere: one precision per unit,
// one sign convention, a non-breaking space between a number and its unit, and the unit that was computed.
const MIB = 1024 * 1024;
/** U+00A0: keeps a number and its unit on one line ("100 %" never wraps into "100⏎%"). */
const NBSP = '\u00A0';
/** The one arrow used for "before → after". */
const ARROW = '→';
/** A number followed by its unit, joined by a non-breaking space. */
function withUnit(number, unit) {
    return unit === '' ? number : `${number}${NBSP}${unit}`;
}
/** "+" for positive, "-" for negative, "±" for zero: the sign convention of every change we print. */
function sign(value) {
    return value > 0 ? '+' : value < 0 ? '-' : '±';
}
/** Bytes as mebibytes with one decimal ("12.3 MiB"); "n/a" for null. */
function formatMb(bytes) {
    if (bytes === null)
        return 'n/a';
    return withUnit((bytes / MIB).toFixed(1), 'MiB');
}
/** A signed change in mebibytes ("+12.3 MiB", "-0.4 MiB", "±0.0 MiB"); "n/a" for null. */
function formatMbDelta(bytes) {
    if (bytes === null)
        return 'n/a';
    const mib = (Math.abs(bytes) / MIB).toFixed(1);
    return withUnit(`${Number(mib) === 0 ? '±' : sign(bytes)}${mib}`, 'MiB');
}
/** A percentage: at most one decimal, a trailing ".0" dropped ("64 %", "99.5 %"). */
function percentNumber(pct) {
    const rounded = Math.round(pct * 10) / 10;
    return Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1);
}
/** A 0..1 rate as a percentage ("64 %", "99.5 %"). */
function formatRate(rate) {
    if (rate === null)
        return 'n/a';
    return withUnit(percentNumber(rate * 100), '%');
}
/** A signed change already in percent ("+3.2 %"); "n/a" for null. */
function formatPercentDelta(pct) {
    if (pct === null)
        return 'n/a';
    const text = percentNumber(Math.abs(pct));
    return withUnit(`${Number(text) === 0 ? '±' : sign(pct)}${text}`, '%');
}
/** Milliseconds with a precision that suits their size ("0.42 ms", "12.3 ms", "1520 ms"). */
function formatMs(ms) {
    if (ms === null)
        return 'n/a';
    if (ms < 1)
        return withUnit(ms.toFixed(2), 'ms');
    if (ms < 100)
        return withUnit(ms.toFixed(1), 'ms');
    return withUnit(String(Math.round(ms)), 'ms');
}
/** Seconds with one decimal ("12.3 s"). */
function formatSeconds(ms) {
    if (ms === null)
        return 'n/a';
    return withUnit((ms / 1000).toFixed(1), 's');
}
/** A memory trend in KiB per connection ("23.5 KiB/conn", "23.5 ± 2.5 KiB/conn"): the slope is fitted over bytes / 1024. */
function formatKibPerConnection(kb, standardError = null) {
    if (kb === null)
        return 'n/a';
    const se = standardError === null ? '' : ` ±${NBSP}${standardError.toFixed(1)}`;
    return withUnit(`${kb.toFixed(1)}${se}`, 'KiB/conn');
}
function bytesFromMb(mb) {
    return mb * MIB;
}
function mbFromBytes(bytes) {
    return bytes / MIB;
}
/** The unit a metric is printed in: comparison metrics name MB and KB/conn, which are computed as MiB and KiB. */
function printedUnit(unit) {
    if (unit === 'MB')
        return 'MiB';
    if (unit === 'KB/conn')
        return 'KiB/conn';
    return unit;
}
/** A metric value with its unit, in that unit's one precision: rates as percent, MiB and KiB/conn with one decimal, counts whole. */
function formatValue(value, unit) {
    if (value === null)
        return 'n/a';
    if (unit === '%')
        return formatRate(value);
    if (unit === 'ms')
        return formatMs(value);
    if (unit === 'MB' || unit === 'KB/conn' || unit === 'MiB' || unit === 'KiB/conn')
        return withUnit(value.toFixed(1), printedUnit(unit));
    if (unit === '' || unit === 'count')
        return Number.isInteger(value) ? String(value) : value.toFixed(1);
    return withUnit(Number.isInteger(value) ? String(value) : value.toFixed(1), unit);
}
/** A signed change of a metric ("+7.0 MiB", "-5 points" for rates, "+65" for counts); "n/a" for null. */
function formatChange(change, unit) {
    if (change === null)
        return 'n/a';
    // A difference of two rates is in percentage points, not percent.
    if (unit === '%') {
        const points = percentNumber(Math.abs(change) * 100);
        return withUnit(`${Number(points) === 0 ? '±' : sign(change)}${points}`, Number(points) === 1 ? 'point' : 'points');
    }
    const magnitude = formatValue(Math.abs(change), unit);
    const zero = Number(magnitude.split(NBSP)[0]) === 0;
    return `${zero ? '±' : sign(change)}${magnitude}`;
}
/** How a process ended, in words: "exit code 3" or "signal SIGKILL". */
function describeExit(exit) {
    return exit.signal ? `signal ${exit.signal}` : exit.code !== null ? `exit code ${exit.code}` : 'no exit code';
}
/** A limit for people: "≥ 80 %", "≤ 50 MiB", "≤ 4" (a limit is printed as set, not rounded). */
function formatThreshold(t) {
    const value = t.unit === '%' ? formatRate(t.value) : t.unit === 'count' ? String(t.value) : withUnit(String(t.value), printedUnit(t.unit));
    return `${t.op === '<=' ? '≤' : '≥'}${NBSP}${value}`;
}
/** A size in bytes in the unit that suits it: "12.7 MiB", "13.0 KiB", "200 B". */
function formatBytes(bytes) {
    if (bytes >= MIB)
        return withUnit((bytes / MIB).toFixed(1), 'MiB');
    if (bytes >= 1024)
        return withUnit((bytes / 1024).toFixed(1), 'KiB');
    return withUnit(String(bytes), 'B');
}
/** A signed change in bytes in the unit that suits its size: "+12.7 MiB", "+13.0 KiB", "±0 B". */
function formatBytesDelta(bytes) {
    const magnitude = Math.abs(bytes);
    return `${magnitude === 0 ? '±' : sign(bytes)}${formatBytes(magnitude)}`;
}
/** A signed change in a count: "+65", "-3", "+0". */
function formatCountDelta(n) {
    return `${n >= 0 ? '+' : '-'}${Math.abs(n)}`;
}

;// CONCATENATED MODULE: ./src/analysis/stats.ts
// Percentiles and medians over measured values (pure).
/** Nearest-rank percentile of sorted values (p in 0..100). */
function percentile(sorted, p) {
    if (sorted.length === 0)
        throw new Error('percentile of no values');
    const rank = Math.ceil((p / 100) * sorted.length);
    return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}
function median(values) {
    if (values.length === 0)
        return null;
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
const round2 = (n) => Math.round(n * 100) / 100;
/** p50/p95/p99/max/mean of the values, rounded to 0.01; null for no values. */
function summarize(values) {
    if (values.length === 0)
        return null;
    const sorted = [...values].sort((a, b) => a - b);
    const mean = sorted.reduce((s, v) => s + v, 0) / sorted.length;
    return {
        count: sorted.length,
        mean: round2(mean),
        p50: round2(percentile(sorted, 50)),
        p95: round2(percentile(sorted, 95)),
        p99: round2(percentile(sorted, 99)),
        max: round2(sorted[sorted.length - 1]),
    };
}

;// CONCATENATED MODULE: ./src/analysis/check-draft.ts
// What every check is built from before its level is known (pure): the draft, and the registry's id, title and limit.


/** The id, title and limit of a registered check, its limit text formatted from the threshold. */
function head(id, limitValue) {
    const def = checkDefinition(id);
    const threshold = limitValue !== undefined && def.op !== null && def.unit !== null ? { op: def.op, value: limitValue, unit: def.unit } : null;
    return { id, title: def.title, limit: threshold ? formatThreshold(threshold) : (FIXED_LIMITS[id] ?? ''), threshold };
}
/** How the checks without a numeric limit state what they require. */
const FIXED_LIMITS = {
    'server-ready': 'handshake',
    recovery: 'all answered',
    'server-crash': 'no exit',
    'run-completed': 'all phases',
};

;// CONCATENATED MODULE: ./src/model/heap.ts
// The heap evidence a Report carries for Node servers: snapshot summaries, growth per constructor, suspects with
// their retainer paths, heap per connection; plus how a retainer path reads as one line.
/** At most this many growth rows go into the Report. */
const TOP_GROWTH_ROWS = 10;
/** Evidence that says only why there is none. */
function heapEvidenceWithout(status, reason, maxRetainedPerConnection) {
    return {
        status,
        reason,
        snapshots: [],
        suspects: [],
        topGrowth: [],
        maxRetainedPerConnection,
        ignored: [],
        heapKbPerConnection: null,
        standardErrorKb: null,
        notes: [],
    };
}
// Steps that only say how V8 stores something (a Map's backing array, an object's property store): a reader
// learns nothing from them, so the one-line form leaves them out unless they are the end of the path.
const STORAGE_NODES = /^(system \/ .*|\(array\)|\(object elements\)|\(object properties\)|\(internal array\)|)$/;
/**
 * A retainer path as one line: `(GC roots) → (Stack roots) → Object.SIGINT → shutdown() → Map sessions (context
 * of server.js) → Session`. Property and element edges are appended to the node that holds them; a context
 * variable is named with the script that owns the context.
 */
function formatRetainerPath(path) {
    return retainerPathParts(path).join(' → ');
}
/** The parts formatRetainerPath joins with arrows, root first. */
function retainerPathParts(path) {
    const parts = [];
    for (const step of path) {
        const holder = parts[parts.length - 1];
        if (step.kind === 'context') {
            if (holder?.label === 'system / Context')
                parts.pop();
            parts.push({ label: `${step.node} ${step.edge}${step.context ? ` (context of ${step.context})` : ''}`, storage: false });
            continue;
        }
        if (holder && !holder.storage && !holder.label.startsWith('(')) {
            if (step.kind === 'property' || step.kind === 'shortcut')
                holder.label += `.${step.edge}`;
            else if (step.kind === 'element')
                holder.label += `[${step.edge}]`;
        }
        parts.push({ label: step.node, storage: STORAGE_NODES.test(step.node) });
    }
    return parts.filter((p, i) => i === parts.length - 1 || !p.storage).map((p) => p.label);
}

;// CONCATENATED MODULE: ./src/analysis/heap-diff.ts
// Compares heap snapshots taken at growing connection counts: growth per constructor, per connection, whether it
// is steady across rounds, the suspects, and the heap's own growth per connection (pure).

/** Instances beyond maxConcurrent a class must grow by before a pool sized by concurrency cannot explain it. */
const POOL_MARGIN = 10;
/**
 * Defaults, the limit being max-retained-per-connection's default (a test holds them equal): a clean `ws` echo
 * server measured at most 0.18 per connection for any constructor.
 */
const HEAP_DIFF_DEFAULTS = { maxRetainedPerConnection: 0.25, minInstances: 20, ignore: [] };
/**
 * A round counts as steady when its own growth per connection is within this factor of the whole run's: a leak
 * grows by about the same amount every round, while a cache or pool that fills once grows in the first round only.
 */
const CONSISTENCY_FACTOR = 2;
/**
 * Node types never reported as growth: an object shape (V8's hidden class, descriptor and transition arrays)
 * is made for each new layout the code meets, so it grows with the code paths run, and a leak of objects shows
 * in the objects themselves. Their bytes stay in the heap total.
 */
const LAYOUT_TYPES = new Set(['object shape']);
const round = (v, digits) => Math.round(v * 10 ** digits) / 10 ** digits;
/**
 * The evidence from snapshots in the order they were taken (connections never decrease): `skipped` when fewer
 * than two or no connections were made between the first and the last. Retainer paths are left null: they need
 * the last snapshot's graph, which the prober holds (HeapSnapshotter.attachRetainerPaths).
 */
function diffHeap(snapshots, options = HEAP_DIFF_DEFAULTS) {
    const limit = options.maxRetainedPerConnection;
    const summaries = snapshots.map((s) => s.summary);
    if (snapshots.length < 2) {
        return {
            ...heapEvidenceWithout('skipped', `${snapshots.length} heap snapshot(s); two or more are needed`, limit),
            snapshots: summaries,
        };
    }
    const first = summaries[0];
    const last = summaries[summaries.length - 1];
    const made = last.connections - first.connections;
    if (made <= 0) {
        return {
            ...heapEvidenceWithout('skipped', 'no connections were made between the first and the last heap snapshot', limit),
            snapshots: summaries,
        };
    }
    const ignore = new Set(options.ignore.map((n) => n.trim()).filter(Boolean));
    const poolBound = (options.maxConcurrent ?? 1) + POOL_MARGIN;
    const breaches = (r) => limit !== null && r.perConnection >= limit && r.countDelta >= options.minInstances && r.consistent;
    const rows = growthRows(snapshots)
        .filter((r) => !ignore.has(r.name) && !LAYOUT_TYPES.has(r.nodeType))
        .map((r) => (breaches(r) && r.countDelta <= poolBound ? { ...r, poolSized: true } : r));
    const isSuspect = (r) => breaches(r) && r.poolSized !== true;
    const bySize = (a, b) => b.bytesDelta - a.bytesDelta || b.countDelta - a.countDelta;
    const suspects = rows.filter(isSuspect).sort(bySize);
    const others = rows.filter((r) => !isSuspect(r) && (r.countDelta > 0 || r.bytesDelta > 0)).sort(bySize);
    const fit = fitHeapPerConnection(summaries);
    const rounds = countRounds(summaries);
    const notes = [];
    if (rounds < 2)
        notes.push('one round of connections between snapshots: whether growth is steady could not be judged');
    const steadyBelow = rows.filter((r) => limit !== null && r.perConnection >= limit && r.consistent && r.countDelta > 0 && r.countDelta < options.minInstances);
    const poolSized = rows.filter((r) => r.poolSized === true);
    if (poolSized.length > 0) {
        notes.push(`${poolSized.map((r) => `${r.name} (+${r.countDelta})`).join(', ')} grew steadily, but by no more than the ` +
            `${options.maxConcurrent ?? 1} connections held open at once plus ${POOL_MARGIN}: a pool sized by concurrency cannot be told ` +
            `from a leak with so few connections per client (more leak-cycles can)`);
    }
    if (steadyBelow.length > 0) {
        notes.push(`${steadyBelow.length} class(es) grew per connection by ≥ ${limit} but by fewer than ${options.minInstances} instances in all`);
    }
    return {
        status: 'measured',
        snapshots: summaries,
        suspects,
        topGrowth: [...suspects, ...others].slice(0, TOP_GROWTH_ROWS),
        maxRetainedPerConnection: limit,
        ignored: [...ignore],
        heapKbPerConnection: fit.kbPerConnection,
        standardErrorKb: fit.standardErrorKb,
        notes,
    };
}
/** Intervals between consecutive snapshots in which connections were made. */
function countRounds(summaries) {
    let n = 0;
    for (let i = 1; i < summaries.length; i++)
        if (summaries[i].connections > summaries[i - 1].connections)
            n++;
    return n;
}
/** Key of a class across snapshots. */
const keyOf = (c) => `${c.nodeType}\u0000${c.name}`;
/** One row per class present in any snapshot, first against last; retainerPath null. */
function growthRows(snapshots) {
    const maps = snapshots.map((s) => new Map(s.classes.map((c) => [keyOf(c), c])));
    const keys = new Set(maps.flatMap((m) => [...m.keys()]));
    const connections = snapshots.map((s) => s.summary.connections);
    const made = connections[connections.length - 1] - connections[0];
    const rows = [];
    for (const key of keys) {
        const stats = maps.map((m) => m.get(key));
        const some = stats.find((s) => s !== undefined);
        const counts = stats.map((s) => s?.count ?? 0);
        const firstStat = stats[0];
        const lastStat = stats[stats.length - 1];
        const countFirst = counts[0];
        const countLast = counts[counts.length - 1];
        const countDelta = countLast - countFirst;
        const perConnection = made > 0 ? countDelta / made : 0;
        rows.push({
            name: some.name,
            nodeType: some.nodeType,
            countFirst,
            countLast,
            countDelta,
            perConnection: round(perConnection, 3),
            bytesDelta: (lastStat?.selfSize ?? 0) - (firstStat?.selfSize ?? 0),
            bytesEach: lastStat && lastStat.count > 0 ? Math.round(lastStat.selfSize / lastStat.count) : 0,
            consistent: isSteady(connections, counts, perConnection),
            retainerPath: null,
        });
    }
    return rows;
}
/**
 * True when the count grew in every interval that made connections, each by CONSISTENCY_FACTOR of `overall`
 * per connection or closer. Intervals without connections (the cooldown) are not judged here: what they give
 * back already lowers the first-to-last growth.
 */
function isSteady(connections, counts, overall) {
    if (overall <= 0)
        return false;
    for (let i = 1; i < counts.length; i++) {
        const made = connections[i] - connections[i - 1];
        if (made <= 0)
            continue;
        const rate = (counts[i] - counts[i - 1]) / made;
        if (rate <= 0 || rate < overall / CONSISTENCY_FACTOR || rate > overall * CONSISTENCY_FACTOR)
            return false;
    }
    return true;
}
/**
 * Least-squares slope of the heap total (KB) against connections, over every snapshot (each one follows a full
 * GC, so unlike RSS there is no warm-up reading to drop), with its standard error.
 */
function fitHeapPerConnection(summaries) {
    const n = summaries.length;
    const xs = summaries.map((s) => s.connections);
    const ys = summaries.map((s) => s.heapBytes / 1024);
    const meanX = xs.reduce((a, x) => a + x, 0) / (n || 1);
    const meanY = ys.reduce((a, y) => a + y, 0) / (n || 1);
    const sxx = xs.reduce((a, x) => a + (x - meanX) ** 2, 0);
    if (n < 2 || sxx === 0)
        return { kbPerConnection: null, standardErrorKb: null };
    const slope = xs.reduce((a, x, i) => a + (x - meanX) * (ys[i] - meanY), 0) / sxx;
    if (n < 3)
        return { kbPerConnection: round(slope, 2), standardErrorKb: null };
    const intercept = meanY - slope * meanX;
    const residuals = xs.reduce((a, x, i) => a + (ys[i] - (intercept + slope * x)) ** 2, 0);
    return { kbPerConnection: round(slope, 2), standardErrorKb: round(Math.sqrt(residuals / (n - 2) / sxx), 2) };
}
/**
 * 0: an instance of a constructor (what a user names in code); 1: closures, native data, V8's own objects;
 * 2: storage and primitives (arrays, property stores, strings, heap numbers), whose paths say least.
 */
function suspectTier(row) {
    if (row.nodeType === 'object' && !row.name.startsWith('system / '))
        return 0;
    if (row.nodeType === 'object' || row.nodeType === 'closure' || row.nodeType === 'native' || row.nodeType === 'regexp')
        return 1;
    return 2;
}
/**
 * Suspects in the order a reader should see them, once retainer paths are known: constructors first
 * (suspectTier), and within a tier nearest a GC root first: the object a leak keeps (a Session in a Map) comes
 * before what it drags along (its WebSocket, Socket), whose paths run through it and so are longer. Ties and
 * rows without a path keep their order (largest growth first); topGrowth follows.
 */
function rankSuspects(evidence) {
    const length = (r) => r.retainerPath?.length ?? Number.POSITIVE_INFINITY;
    const ranked = evidence.suspects
        .map((r, i) => ({ r, i }))
        .sort((a, b) => suspectTier(a.r) - suspectTier(b.r) || length(a.r) - length(b.r) || a.i - b.i)
        .map((s) => s.r);
    const isSuspect = new Set(ranked.map((r) => `${r.nodeType}\u0000${r.name}`));
    const others = evidence.topGrowth.filter((r) => !isSuspect.has(`${r.nodeType}\u0000${r.name}`));
    return { ...evidence, suspects: ranked, topGrowth: [...ranked, ...others].slice(0, TOP_GROWTH_ROWS) };
}

;// CONCATENATED MODULE: ./src/analysis/trend.ts
// Least-squares fit of retained memory against connections made: the leak per connection (pure).
/**
 * Slope (KB per connection) and its standard error; null where too few points. With four or more
 * readings the one at the baseline is left out: a clean server's memory grows fastest over its first
 * connections (allocator and JIT warm-up), and that growth is not a leak.
 */
function fitTrend(all) {
    const skipped = all.length >= 4 ? 1 : 0;
    const points = all.slice(skipped);
    const n = points.length;
    const round = (v) => Math.round(v * 100) / 100;
    const xs = points.map((p) => p.connections);
    const ys = points.map((p) => p.rssBytes / 1024);
    const meanX = xs.reduce((s, x) => s + x, 0) / (n || 1);
    const meanY = ys.reduce((s, y) => s + y, 0) / (n || 1);
    const sxx = xs.reduce((s, x) => s + (x - meanX) ** 2, 0);
    if (n < 2 || sxx === 0)
        return { points: all, skipped, kbPerConnection: null, standardErrorKb: null };
    const slope = xs.reduce((s, x, i) => s + (x - meanX) * (ys[i] - meanY), 0) / sxx;
    if (n < 3)
        return { points: all, skipped, kbPerConnection: round(slope), standardErrorKb: null };
    const intercept = meanY - slope * meanX;
    const residuals = xs.reduce((s, x, i) => s + (ys[i] - (intercept + slope * x)) ** 2, 0);
    return { points: all, skipped, kbPerConnection: round(slope), standardErrorKb: round(Math.sqrt(residuals / (n - 2) / sxx)) };
}
/** One-sided 95 % critical values of Student's t by degrees of freedom (readings fitted minus two). */
const T_95 = [Infinity, 6.314, 2.92, 2.353, 2.132, 2.015, 1.943, 1.895, 1.86, 1.833, 1.812];
/**
 * The least leak per connection the readings are consistent with, at 95 % one-sided confidence: the slope minus
 * t times its standard error. A trend fails only when this bound is above the limit, so a single GC step between
 * three readings (a slope of ±80 with a standard error of 50) cannot fail a clean server, while a steady leak
 * (29.7 ± 0.4) is judged at nearly its face value. Null when the fit has no standard error (two readings).
 */
function trendLowerBound(trend) {
    return slopeLowerBound(trend.kbPerConnection, trend.standardErrorKb, trend.points.length - trend.skipped);
}
/** The slope minus t times its standard error for a fit over `points` readings; null without a standard error. */
function slopeLowerBound(slope, standardError, points) {
    if (slope === null || standardError === null || points < 3)
        return null;
    const t = T_95[points - 2] ?? 1.645;
    return Math.round((slope - t * standardError) * 100) / 100;
}

;// CONCATENATED MODULE: ./src/analysis/checks-memory.ts
// The memory checks (pure): retained and peak growth, the leak per connection, the heap's retained objects.




function memoryChecks(config, memory, stoppedNote) {
    const drafts = [];
    const specs = [
        { id: 'memory-growth', limit: config.limits.maxMemoryGrowthMb, bytes: memory.retainedGrowthBytes },
        { id: 'peak-memory-growth', limit: config.limits.maxPeakMemoryGrowthMb, bytes: memory.peakGrowthBytes },
    ];
    for (const { id, limit, bytes } of specs) {
        if (limit.value === null)
            continue;
        const base = head(id, limit.value);
        if (bytes === null) {
            const why = memory.reason ?? `no sample in the window this figure needs${stoppedNote}`;
            // A limit the user set on purpose must not pass by measuring nothing.
            drafts.push({
                ...base,
                measured: 'n/a',
                value: null,
                outcome: limit.explicit ? 'fail' : 'not-measured',
                detail: why,
            });
            continue;
        }
        drafts.push({
            ...base,
            measured: formatMbDelta(bytes),
            value: Math.round(mbFromBytes(bytes) * 100) / 100,
            outcome: bytes <= bytesFromMb(limit.value) ? 'pass' : 'fail',
            ...(memory.baselineBytes !== null ? { detail: `baseline ${formatMb(memory.baselineBytes)}` } : {}),
        });
    }
    return drafts;
}
/** Fewest connections between the first and last fitted reading for a trend to mean anything. */
const MIN_TREND_SPAN = 25;
function trendChecks(config, memory, heap, stoppedNote) {
    const limit = config.limits.maxLeakKbPerConnection;
    if (limit.value === null)
        return [];
    const base = head('leak-per-connection', limit.value);
    // A Node server's heap after a full GC is exact where RSS is noise: it is the figure judged when there is one.
    if (heap?.status === 'measured' && heap.heapKbPerConnection !== null) {
        const points = heap.snapshots;
        const rss = memory.trend?.kbPerConnection;
        const rssNote = rss === null || rss === undefined ? '' : `; RSS trend ${withUnit(rss.toFixed(1), 'KiB/conn')} (information)`;
        const what = `heap after a full GC, over ${points.length} snapshots from ${points[0].connections} to ${points.at(-1).connections} ` +
            `connections`;
        return [judgeSlope(base, limit.value, heap.heapKbPerConnection, heap.standardErrorKb, points.length, `${what}${rssNote}`)];
    }
    const slope = memory.trend?.kbPerConnection ?? null;
    if (slope === null) {
        return [
            {
                ...base,
                measured: 'n/a',
                value: null,
                outcome: limit.explicit ? 'fail' : 'not-measured',
                detail: memory.reason ?? `fewer than two memory readings over the leak rounds${stoppedNote}`,
            },
        ];
    }
    const trend = memory.trend;
    const fitted = trend.points.slice(trend.skipped);
    const span = fitted.at(-1).connections - fitted[0].connections;
    if (span < MIN_TREND_SPAN) {
        // Over a handful of connections, allocator noise alone reads as tens of KB per connection.
        const detail = `fitted over only ${span} connections; a trend needs ${MIN_TREND_SPAN} or more (raise leak-cycles)`;
        return [
            {
                ...base,
                measured: slopeText(slope, trend.standardErrorKb),
                value: null,
                outcome: limit.explicit ? 'fail' : 'not-measured',
                detail,
            },
        ];
    }
    const fittedText = `RSS fitted over ${fitted.length} readings from ${fitted[0].connections} to ${fitted.at(-1).connections} ` + `connections`;
    return [judgeSlope(base, limit.value, slope, trend.standardErrorKb, fitted.length, fittedText)];
}
function slopeText(slope, se) {
    return withUnit(`${slope.toFixed(1)}${se !== null ? ` ± ${se.toFixed(1)}` : ''}`, 'KiB/conn');
}
/**
 * Judged by the least leak the readings allow (slope minus t·SE at 95 %): one GC step between three readings must
 * not fail a clean server, while readings on a line are judged at nearly their face value.
 */
function judgeSlope(base, limit, slope, se, points, what) {
    const bound = slopeLowerBound(slope, se, points);
    const judged = bound ?? slope;
    // Above the limit on its face, the figure judged goes beside it: a table without the detail must not read
    // "102.4 ± 1.9 KiB/conn, ≤ 100, pass" with nothing to say why.
    const judgedText = bound !== null && slope > limit ? ` (at least ${bound.toFixed(1)} at 95${NBSP}%)` : '';
    return {
        ...base,
        measured: `${slopeText(slope, se)}${judgedText}`,
        value: slope,
        outcome: judged <= limit ? 'pass' : 'fail',
        detail: what,
    };
}
/** Heap evidence: no constructor may grow steadily with the connections made (Node servers the gate launched). */
function retainedCheck(config, heap, stoppedNote) {
    const limit = config.limits.maxRetainedPerConnection;
    if (limit.value === null)
        return [];
    // Without snapshots on purpose, or of a server that is not Node, there is nothing to judge: unless the user asked.
    if ((heap === null || heap.status === 'off' || heap.status === 'n/a') && !limit.explicit)
        return [];
    const base = head('retained-objects', limit.value);
    if (heap === null || heap.status !== 'measured') {
        const why = heap?.reason ?? `no heap snapshots${stoppedNote}`;
        return [{ ...base, measured: 'n/a', value: null, outcome: limit.explicit ? 'fail' : 'not-measured', detail: why }];
    }
    const top = heap.suspects[0] ?? null;
    if (!top) {
        // Nothing grew steadily: the value is the largest steady growth (0 when none), the largest growth is a detail.
        const steady = heap.topGrowth.filter((r) => r.consistent && r.countDelta >= HEAP_DIFF_DEFAULTS.minInstances && !r.poolSized);
        const value = steady.length === 0 ? 0 : Math.max(...steady.map((r) => r.perConnection));
        const largest = heap.topGrowth[0];
        const why = largest?.poolSized
            ? ', no more than the connections held open at once'
            : largest?.consistent
                ? ''
                : ', uneven across rounds';
        const detail = largest
            ? `largest growth +${largest.countDelta} ${largest.name} (${largest.perConnection.toFixed(2)}/conn${why}): not a leak`
            : 'nothing grew';
        return [{ ...base, measured: 'none steady', value: Math.round(value * 1000) / 1000, outcome: 'pass', detail }];
    }
    const perConnection = `${top.perConnection.toFixed(2)}/conn`;
    const measured = `${formatCountDelta(top.countDelta)} ${top.name} (${perConnection})`;
    const others = heap.suspects.length > 1 ? `; ${heap.suspects.length - 1} more grew with it` : '';
    const bytes = `${formatBytesDelta(top.bytesDelta)}, ${formatBytes(top.bytesEach)} each`;
    return [{ ...base, measured, value: top.perConnection, outcome: 'fail', detail: `${bytes}${others}` }];
}

;// CONCATENATED MODULE: ./src/analysis/faults.ts
// Checks of the fault scenarios (pure): dead-peer reaping and slow-consumer memory.


const titleOf = (id) => checkDefinition(id).title;
/** The default of `max-slow-consumer-growth-mb`. */
const DEFAULT_MAX_SLOW_CONSUMER_GROWTH_MB = 50;
const MB = 1024 * 1024;
function faults_status(outcome, level) {
    return outcome === 'fail' && level === 'warn' ? 'warn' : outcome;
}
/**
 * `dead-peer-reaping`: every silent client must be closed by the server within dead-peer-timeout-s. Fails when one
 * is still open, or when no client went silent (nothing was tested).
 */
function deadPeerReapingCheck(result, level = 'error') {
    const id = 'dead-peer-reaping';
    const seconds = Math.round(result.timeoutMs / 1000);
    const base = { id, title: titleOf(id), limit: `all within ${seconds} s`, threshold: null, level };
    if (result.silenced === 0) {
        const failures = Object.entries(result.connectFailures).map(([kind, n]) => `${kind} ${n}`);
        const why = result.stoppedEarly ? 'the run stopped before any client went silent' : 'no client completed the handshake';
        return {
            ...base,
            measured: 'none',
            value: null,
            status: faults_status('fail', level),
            detail: failures.length > 0 ? `${why} (${failures.join(', ')})` : why,
        };
    }
    const slowest = result.reapMs ? ` (slowest ${(result.reapMs.max / 1000).toFixed(1)} s)` : '';
    const measured = `${result.reaped}/${result.silenced} reaped${slowest}`;
    if (result.stillOpen === 0 && !result.stoppedEarly) {
        return { ...base, measured, value: result.stillOpen, status: 'pass' };
    }
    if (result.stillOpen === 0) {
        return {
            ...base,
            measured,
            value: result.stillOpen,
            status: 'pass',
            detail: 'the run stopped before the timeout; all silent clients were reaped',
        };
    }
    const waited = result.stoppedEarly ? `when the run stopped (${(result.durationMs / 1000).toFixed(1)} s)` : `after ${seconds} s`;
    return {
        ...base,
        measured,
        value: result.stillOpen,
        status: faults_status(result.stoppedEarly ? 'not-measured' : 'fail', level),
        detail: `${result.stillOpen} dead connection${result.stillOpen === 1 ? '' : 's'} still open ${waited}: add a ping/pong heartbeat`,
    };
}
/**
 * `slow-consumer-memory`: the server tree's memory growth while one client did not read must stay within the limit.
 * A limit set explicitly that cannot be measured fails; the default one is not-measured.
 */
function slowConsumerMemoryCheck(result, limit = { value: DEFAULT_MAX_SLOW_CONSUMER_GROWTH_MB, explicit: false }, level = 'error') {
    const id = 'slow-consumer-memory';
    const threshold = { op: '<=', value: limit.value, unit: 'MiB' };
    const base = { id, title: titleOf(id), limit: formatThreshold(threshold), threshold, level };
    if (!result.connected) {
        return {
            ...base,
            measured: 'n/a',
            value: null,
            status: faults_status('fail', level),
            detail: `the slow client could not connect${result.connectFailure ? ` (${result.connectFailure})` : ''}`,
        };
    }
    if (result.memoryGrowthBytes === null) {
        return {
            ...base,
            measured: 'n/a',
            value: null,
            status: faults_status(limit.explicit ? 'fail' : 'not-measured', level),
            detail: "the server's memory could not be read",
        };
    }
    const growth = result.memoryGrowthBytes;
    const reaction = result.serverClosed
        ? 'the server closed the slow client'
        : result.serverPausedReading
            ? 'the server stopped reading it'
            : null;
    const wrote = result.serverBytesWhilePaused + result.serverBytesAfter;
    const sent = `the server wrote ${formatMb(wrote)} towards a client that did not read`;
    const pass = growth <= limit.value * MB;
    return {
        ...base,
        measured: formatMbDelta(growth),
        value: Math.round((growth / MB) * 100) / 100,
        status: faults_status(pass ? 'pass' : 'fail', level),
        detail: pass
            ? `${sent}${reaction ? `; ${reaction}` : ''}`
            : `${sent}, buffering it in memory: check bufferedAmount and pause or drop a client that does not read`,
    };
}

;// CONCATENATED MODULE: ./src/model/hostile.ts
// The hostile scenario's part of the Report: what the server did with each malformed frame or flood, as plain JSON.
/** The cases, in the order they run. */
const HOSTILE_CASE_IDS = [
    'invalid-utf8',
    'reserved-bits',
    'unknown-opcode',
    'unmasked-frame',
    'fragmented-control',
    'oversized-control',
    'orphan-continuation',
    'invalid-close-code',
    'oversized-message',
    'huge-length-claim',
    'ping-flood',
    'slow-handshake',
    'garbage-handshake',
];
/** What the server did, in a few words for tables: `close 1007 "invalid UTF-8"`, `dropped`, `kept open (pongs 1000/1000)`. */
function outcomeText(c) {
    switch (c.outcome) {
        case 'closed': {
            const reason = c.reason ? ` ${JSON.stringify(c.reason.length > 40 ? `${c.reason.slice(0, 39)}…` : c.reason)}` : '';
            return `close ${c.code ?? 1005}${reason}`;
        }
        case 'dropped':
            return c.pings !== undefined ? `dropped (pongs ${c.pongs ?? 0}/${c.pings})` : 'dropped';
        case 'kept-open':
            if (c.pings !== undefined)
                return `kept open (pongs ${c.pongs ?? 0}/${c.pings})`;
            if (c.bytesSent !== undefined)
                return `kept open (took ${c.bytesSent} bytes)`;
            return 'kept open';
        case 'refused':
            return c.httpStatus !== undefined ? `HTTP ${c.httpStatus}` : 'refused';
        default:
            return c.outcome;
    }
}

;// CONCATENATED MODULE: ./src/analysis/hostile.ts
// What RFC 6455 asks of a server for each hostile case, and the `hostile-survived` judgement (pure).


/** Every case's title and expectation, with the RFC 6455 section that asks for it. */
const HOSTILE_CASES = {
    'invalid-utf8': { title: 'text frame with invalid UTF-8', expected: 'close 1007 (section 8.1)' },
    'reserved-bits': { title: 'RSV1-3 set without an extension', expected: 'close 1002 (section 5.2)' },
    'unknown-opcode': { title: 'reserved opcode 0x3', expected: 'close 1002 (section 5.2)' },
    'unmasked-frame': { title: 'unmasked client frame', expected: 'close (1002 suggested) or drop (section 5.1)' },
    'fragmented-control': { title: 'ping with FIN clear', expected: 'close 1002 (section 5.5)' },
    'oversized-control': { title: 'ping with 126 payload bytes', expected: 'close 1002 (section 5.5)' },
    'orphan-continuation': { title: 'continuation without a start', expected: 'close 1002 (section 5.4)' },
    'invalid-close-code': { title: 'close frame with code 999', expected: 'close 1002 (section 7.4)' },
    'oversized-message': {
        title: 'message of hostile-max-bytes',
        expected: "close 1009 if above the server's size limit, or take it within that limit (section 10.4); its memory is judged",
    },
    'huge-length-claim': { title: 'header claiming 2^63 - 1 bytes', expected: 'close 1009 or drop (section 10.4)' },
    'ping-flood': { title: 'burst of pings', expected: 'pong to the last ping, or a close or drop (flood protection) (section 5.5.3)' },
    'slow-handshake': { title: 'handshake dribbled a byte per 100 ms', expected: 'drop it, or keep serving others meanwhile' },
    'garbage-handshake': { title: 'garbage instead of HTTP', expected: 'HTTP 4xx or drop' },
};
const CLOSE_1002 = [
    'reserved-bits',
    'unknown-opcode',
    'fragmented-control',
    'oversized-control',
    'orphan-continuation',
    'invalid-close-code',
];
/**
 * Whether the server did what RFC 6455 asks. Strict where the RFC names a code: failing the connection
 * without a close frame is allowed by 7.1.7 only as a SHOULD, so it counts as a mismatch except where the
 * RFC itself says "close the connection" (an unmasked frame) or gives no code (size limits).
 */
function caseMatchesRfc(id, o) {
    const closedWith = (code) => o.outcome === 'closed' && o.code === code;
    if (id === 'invalid-utf8')
        return closedWith(1007);
    if (CLOSE_1002.includes(id))
        return closedWith(1002);
    switch (id) {
        case 'unmasked-frame':
            // "MUST close the connection", and "MAY send a Close frame with a status code of 1002": any close meets the
            // MUST (faye-websocket closes with 1003; the code is in the case's details).
            return o.outcome === 'closed' || o.outcome === 'dropped';
        case 'oversized-message':
            // Within the server's own limit (ws allows 100 MiB) taking it whole is conformant; memory growth is judged apart.
            return o.outcome === 'closed' || o.outcome === 'dropped' || o.outcome === 'kept-open';
        case 'huge-length-claim':
            return o.outcome === 'closed' || o.outcome === 'dropped';
        case 'ping-flood':
            // ws drops a client with 60 pongs pending: protection from a flood, which is what the case probes for.
            return o.outcome === 'closed' || o.outcome === 'dropped' || (o.outcome === 'kept-open' && o.lastPongAnswered === true);
        case 'slow-handshake':
            return o.outcome === 'dropped' || o.outcome === 'refused' || (o.outcome === 'kept-open' && o.servedOthers === true);
        case 'garbage-handshake':
            return (o.outcome === 'dropped' || (o.outcome === 'refused' && o.httpStatus !== undefined && o.httpStatus >= 400 && o.httpStatus < 500));
    }
    return false;
}
const TITLE = 'survived hostile input';
/** Judges the scenario: the server must stay up, keep accepting handshakes and keep its memory within the limit. */
function judgeHostile(result, limits) {
    const memoryLimit = limits.maxMemoryGrowthMb === null ? '' : `, memory ≤ ${withUnit(String(limits.maxMemoryGrowthMb), 'MiB')}`;
    const limit = `no crash, still accepting${memoryLimit}${limits.strict ? ', RFC 6455 in every case' : ''}`;
    const base = { id: 'hostile-survived', title: TITLE, limit };
    const ran = result.cases.filter((c) => c.outcome !== 'not-run');
    if (!result.enabled || ran.length === 0) {
        // A scenario that was selected and made no attempt fails, as every scenario does; one not selected is off.
        return {
            ...base,
            outcome: result.enabled ? 'fail' : 'not-measured',
            measured: 'did not run',
            value: result.enabled ? 0 : null,
            detail: result.notes[0] ?? 'no hostile case ran',
            failures: [],
            warnings: [],
            mismatches: [],
        };
    }
    const failures = [];
    const warnings = [];
    if (!result.serverSurvived) {
        const during = result.crashedDuring ? ` during '${result.crashedDuring}' (${HOSTILE_CASES[result.crashedDuring].title})` : '';
        failures.push(`the server exited${during}`);
    }
    else if (!result.stillAccepting || result.stoppedAcceptingAfter) {
        const after = result.stoppedAcceptingAfter ? ` after '${result.stoppedAcceptingAfter}'` : '';
        failures.push(`the server stopped accepting handshakes${after}`);
    }
    const { tried, succeeded } = result.servedOthersDuringStalls;
    if (tried > 0 && succeeded < tried) {
        failures.push(`only ${succeeded} of ${tried} handshakes succeeded while a slow and a garbage handshake were open`);
    }
    if (limits.maxMemoryGrowthMb !== null) {
        if (result.memoryGrowthBytes === null) {
            const text = 'memory growth could not be read';
            (limits.memoryLimitExplicit ? failures : warnings).push(text);
        }
        else if (result.memoryGrowthBytes > bytesFromMb(limits.maxMemoryGrowthMb)) {
            const worst = largestGrowth(result.cases);
            const most = worst ? `, most during '${worst.id}' (${formatMb(worst.memoryGrowthBytes ?? 0)})` : '';
            failures.push(`memory grew by ${formatMb(result.memoryGrowthBytes)} (limit ${withUnit(String(limits.maxMemoryGrowthMb), 'MiB')})${most}`);
        }
    }
    const mismatches = ran.filter((c) => !c.matchesRfc && c.outcome !== 'crashed').map((c) => c.id);
    for (const id of mismatches) {
        const c = result.cases.find((x) => x.id === id);
        (limits.strict ? failures : warnings).push(`'${id}': ${outcomeText(c)}, expected ${c.expected}`);
    }
    const outcome = failures.length > 0 ? 'fail' : warnings.length > 0 ? 'warn' : 'pass';
    const notRun = result.cases.length - ran.length;
    const measured = !result.serverSurvived
        ? `crashed${result.crashedDuring ? ` (${result.crashedDuring})` : ''}`
        : `${ran.length} cases ` +
            `survived${mismatches.length > 0 ? `, ${mismatches.length} not per RFC 6455` : ''}${notRun > 0 ? `, ${notRun} not run` : ''}`;
    const lines = [...failures, ...warnings];
    return {
        ...base,
        outcome,
        measured,
        value: failures.length === 0 ? 1 : 0,
        ...(lines.length > 0 ? { detail: lines.slice(0, 3).join('; ') + (lines.length > 3 ? `; and ${lines.length - 3} more` : '') } : {}),
        failures,
        warnings,
        mismatches,
    };
}
function largestGrowth(cases) {
    let worst = null;
    for (const c of cases)
        if (c.memoryGrowthBytes !== undefined && c.memoryGrowthBytes > (worst?.memoryGrowthBytes ?? 0))
            worst = c;
    return worst;
}
/**
 * The result for a scenario that did not run: not selected (`enabled` false, no cases), or selected but the run
 * stopped before it (every case `not-run`, with the reason).
 */
function hostileNotRun(enabled, reason) {
    return {
        id: 'hostile',
        enabled,
        cases: enabled ? HOSTILE_CASE_IDS.map((id) => notRunCase(id, reason)) : [],
        serverSurvived: true,
        stillAccepting: true,
        memory: { beforeBytes: null, peakBytes: null, afterBytes: null },
        memoryGrowthBytes: null,
        servedOthersDuringStalls: { tried: 0, succeeded: 0 },
        durationMs: 0,
        notes: [reason],
    };
}
function notRunCase(id, why) {
    return { id, ...HOSTILE_CASES[id], outcome: 'not-run', matchesRfc: false, ms: 0, acceptingAfter: false, detail: why };
}

;// CONCATENATED MODULE: ./src/analysis/recovery.ts
// Whether recovery passed (pure): every ping answered, and every message judged answered.
/** Did recovery pass? Connected, every ping answered, no problem, and every message answered when messages were judged. */
function recoveryPassed(r) {
    const messagesOk = r.messagesJudged === false || r.messagesAnswered === r.messagesSent;
    return r.connected && r.problems.length === 0 && r.pongsReceived === r.pingsSent && messagesOk;
}

;// CONCATENATED MODULE: ./src/analysis/checks-scenarios.ts
// The checks of what the scenarios did (pure): readiness, rates, recovery, hostile input, faults, crash, completion.





function readyCheck(m) {
    const base = head('server-ready');
    if (m.server.readyAfterMs !== null) {
        return { ...base, measured: `after ${(m.server.readyAfterMs / 1000).toFixed(1)} s`, value: m.server.readyAfterMs, outcome: 'pass' };
    }
    return {
        ...base,
        measured: 'never',
        value: null,
        outcome: 'fail',
        detail: m.stopped?.message ?? 'the server never accepted a WebSocket handshake',
    };
}
function rateCheck(id, ok, total, min, whenNone) {
    const base = head(id, min);
    if (total === 0)
        return { ...base, measured: 'none', value: null, outcome: 'fail', detail: whenNone };
    const rate = ok / total;
    return {
        ...base,
        measured: `${formatRate(rate)} (${ok}/${total})`,
        value: rate,
        outcome: rate >= min ? 'pass' : 'fail',
    };
}
function recoveryCheck(r, stoppedNote) {
    const base = head('recovery');
    if (!r.connected && r.problems.length === 0) {
        return { ...base, measured: 'did not run', value: null, outcome: 'fail', detail: `recovery did not run${stoppedNote}` };
    }
    const passed = recoveryPassed(r);
    // A server that closed deliberately on the gate's default text is responsive: its messages were not judged.
    const closed = r.serverClose ? `closed ${r.serverClose.code}${r.serverClose.reason ? ` "${r.serverClose.reason}"` : ''}` : 'not judged';
    const messages = r.messagesJudged === false ? `messages not judged (${closed})` : `messages ${r.messagesAnswered}/${r.messagesSent}`;
    const measured = r.connected ? `pings ${r.pongsReceived}/${r.pingsSent}, ${messages}` : `no connection (${r.connectFailure ?? 'error'})`;
    const lines = r.problems.length > 0 ? r.problems.slice(0, 3) : (r.notes ?? []);
    return {
        ...base,
        measured,
        value: passed ? 1 : 0,
        outcome: passed ? 'pass' : 'fail',
        ...(lines.length > 0 ? { detail: lines.join('; ') } : {}),
    };
}
/** The server survived hostile input: stayed up, kept accepting, passed recovery after it, kept its memory. */
function hostileCheck(config, m) {
    const limit = config.limits.maxHostileMemoryGrowthMb;
    const result = m.hostile ?? hostileNotRun(true, 'the hostile scenario did not run');
    const judged = judgeHostile(result, {
        maxMemoryGrowthMb: limit.value,
        memoryLimitExplicit: limit.explicit,
        strict: config.hostile.strict,
    });
    const ran = result.cases.some((c) => c.outcome !== 'not-run');
    const recoveryFailed = config.scenarios.includes('recovery') && ran && result.serverSurvived && recoveryCheck(m.recovery, '').outcome === 'fail';
    const outcome = recoveryFailed ? 'fail' : judged.outcome;
    const detail = recoveryFailed ? ['recovery failed after the hostile cases', judged.detail].filter(Boolean).join('; ') : judged.detail;
    return {
        ...head('hostile-survived'),
        limit: judged.limit,
        measured: judged.measured,
        value: outcome === 'fail' ? 0 : judged.value,
        outcome,
        ...(detail ? { detail } : {}),
    };
}
/** Dead peers reaped, and memory bounded with a slow consumer: each when its scenario was selected. */
function faultChecks(config, faults, stoppedNote) {
    const drafts = [];
    const asDraft = ({ level: _level, status, ...rest }) => ({ ...rest, outcome: status === 'warn' ? 'fail' : status });
    if (config.scenarios.includes('dead-peers')) {
        const result = faults?.deadPeers;
        drafts.push(result
            ? asDraft(deadPeerReapingCheck(result))
            : {
                ...head('dead-peer-reaping'),
                measured: 'did not run',
                value: null,
                outcome: 'fail',
                detail: `the dead-peers scenario did not run${stoppedNote}`,
            });
    }
    const limit = config.limits.maxSlowConsumerGrowthMb;
    if (config.scenarios.includes('slow-consumer') && limit.value !== null) {
        const result = faults?.slowConsumer;
        drafts.push(result
            ? asDraft(slowConsumerMemoryCheck(result, { value: limit.value, explicit: limit.explicit }))
            : {
                ...head('slow-consumer-memory', limit.value),
                measured: 'did not run',
                value: null,
                outcome: 'fail',
                detail: `the slow-consumer scenario did not run${stoppedNote}`,
            });
    }
    return drafts;
}
function crashCheck(server) {
    const base = head('server-crash');
    if (server.exit && server.exit.code === 0 && server.readyAfterMs === null) {
        // A start script that returns at once: not a crash, but no server stayed up for the gate either.
        const detail = 'the server command exited (code 0) before accepting a handshake: it must keep running in the foreground';
        return { ...base, measured: 'exited (code 0) before ready', value: 0, outcome: 'fail', detail };
    }
    if (server.exit) {
        const how = describeExit(server.exit);
        return {
            ...base,
            measured: `crashed (${how})`,
            value: 0,
            outcome: 'fail',
            detail: `the server exited during ${server.exit.phase} with ${how}`,
        };
    }
    if (server.pid === null) {
        return { ...base, measured: 'n/a', value: null, outcome: 'not-measured', detail: 'attached without a known pid' };
    }
    return { ...base, measured: 'up', value: 1, outcome: 'pass' };
}
function completedCheck(stopped) {
    const base = head('run-completed');
    if (stopped) {
        const where = stopped.message.includes(`during ${stopped.phase}`) ? '' : ` (during ${stopped.phase})`;
        return { ...base, measured: `stopped (${stopped.reason})`, value: 0, outcome: 'fail', detail: `${stopped.message}${where}` };
    }
    return { ...base, measured: 'yes', value: 1, outcome: 'pass' };
}

;// CONCATENATED MODULE: ./src/analysis/checks-signals.ts
// The exact leak signals' checks (pure): fds, lingering connections, threads, processes, sessions.


const SIGNAL_CHECKS = [
    { id: 'fd-growth', key: 'fds', limit: (c) => c.limits.maxFdGrowth },
    {
        id: 'lingering-connections',
        key: 'lingeringConnections',
        limit: (c) => c.limits.maxLingeringConnections,
    },
    { id: 'thread-growth', key: 'threads', limit: (c) => c.limits.maxThreadGrowth },
    { id: 'process-growth', key: 'processes', limit: (c) => c.limits.maxProcessGrowth },
    { id: 'session-growth', key: 'sessions', limit: (c) => c.limits.maxSessionGrowth },
];
function signalChecks(config, signals, stoppedNote) {
    const drafts = [];
    for (const { id, key, limit: limitOf } of SIGNAL_CHECKS) {
        const limit = limitOf(config);
        if (limit.value === null)
            continue;
        // Sessions exist only with a stats-url; without one, a default limit has nothing to judge.
        if (key === 'sessions' && config.stats.url === null && !limit.explicit)
            continue;
        const base = head(id, limit.value);
        const value = signals.growth[key];
        if (value === null) {
            const why = signals.notes.find((n) => (key === 'sessions' ? n.startsWith('stats-url') : !n.startsWith('stats-url')));
            drafts.push({
                ...base,
                measured: 'n/a',
                value: null,
                // A stats-url the user gave that cannot be read fails like a limit set on purpose.
                outcome: limit.explicit || (key === 'sessions' && config.stats.url !== null) ? 'fail' : 'not-measured',
                detail: why ?? (key === 'sessions' && config.stats.url === null ? 'no stats-url given' : `not read${stoppedNote}`),
            });
            continue;
        }
        const before = signals.baseline?.[key];
        drafts.push({
            ...base,
            measured: key === 'lingeringConnections' ? String(value) : formatCountDelta(value),
            value,
            outcome: value <= limit.value ? 'pass' : 'fail',
            ...(before !== null && before !== undefined && key !== 'lingeringConnections'
                ? { detail: `${before} → ${signals.after?.[key]}` }
                : {}),
        });
    }
    return drafts;
}

;// CONCATENATED MODULE: ./src/analysis/checks.ts
// Checks and verdict from what a run measured (pure): every limit becomes one row with a status, in registry order.





/** Every check that applies to this configuration, in report order. */
function runChecks(config, m) {
    const drafts = [readyCheck(m)];
    const load = [m.flapping, m.leak].filter((s) => s.enabled);
    const stoppedNote = m.stopped ? ` (the run stopped during ${m.stopped.phase}: ${m.stopped.reason})` : '';
    if (load.length > 0) {
        // Abrupt closes (terminate()) and the reset toxic's cuts are ours on purpose: neither is judged.
        const attempts = sum(load, judgedAttempts);
        const connected = sum(load, (s) => s.connected);
        const clean = sum(load, (s) => s.cleanDisconnects);
        const cleanTried = sum(load, judgedCloses);
        const { minConnectSuccessRate: connectLimit, minDisconnectSuccessRate: disconnectLimit } = config.limits;
        if (connectLimit.value !== null) {
            drafts.push(rateCheck('connect-success-rate', connected, attempts, connectLimit.value, `no connection was attempted${stoppedNote}`));
        }
        if (disconnectLimit.value !== null) {
            drafts.push(rateCheck('disconnect-success-rate', clean, cleanTried, disconnectLimit.value, `no clean close was tried${stoppedNote}`));
        }
    }
    drafts.push(...memoryChecks(config, m.memory, stoppedNote));
    if (config.scenarios.includes('leak'))
        drafts.push(...trendChecks(config, m.memory, m.heap ?? null, stoppedNote));
    if (config.scenarios.includes('leak'))
        drafts.push(...retainedCheck(config, m.heap ?? null, stoppedNote));
    drafts.push(...signalChecks(config, m.signals, stoppedNote));
    if (config.scenarios.includes('recovery'))
        drafts.push(recoveryCheck(m.recovery, stoppedNote));
    if (config.scenarios.includes('hostile'))
        drafts.push(hostileCheck(config, m));
    drafts.push(...faultChecks(config, m.faults, stoppedNote));
    drafts.push(crashCheck(m.server));
    drafts.push(completedCheck(m.stopped));
    return drafts.map((d) => finalize(d, config.warnOnly));
}
/** fail if any error-level check failed; warn if only warnings; else pass. */
function verdictOf(checks) {
    if (checks.some((c) => c.status === 'fail'))
        return 'fail';
    if (checks.some((c) => c.status === 'warn'))
        return 'warn';
    return 'pass';
}
function finalize(draft, warnOnly) {
    const { outcome, ...rest } = draft;
    const level = warnOnly.includes(draft.id) ? 'warn' : 'error';
    let status = outcome;
    if (outcome === 'fail' && level === 'warn')
        status = 'warn';
    return { ...rest, level, status };
}
function sum(items, f) {
    return items.reduce((s, t) => s + f(t), 0);
}

;// CONCATENATED MODULE: ./src/analysis/compare.ts
// Compares a run with one of the base branch: headline metrics side by side, and regression checks
// that fail only when a metric worsened by more than a share of the base AND an absolute floor (pure).





/** Settings that change what the numbers mean: two reports are compared only when these match. */
const COMPARED_SETTINGS = [
    'profile',
    'warmup-connections',
    'flap-cycles',
    'flap-hold-ms',
    'flap-pause-ms',
    'leak-clients',
    'leak-cycles',
    'leak-rounds',
    'abrupt-ratio',
    'cooldown-ms',
    'sample-interval-ms',
];
const checkValue = (id) => (r) => r.checks.find((c) => c.id === id)?.value ?? null;
/** How each compared metric is read from a report (the metrics themselves are registered in the model). */
const READ = {
    'connect-success-rate': checkValue('connect-success-rate'),
    'disconnect-success-rate': checkValue('disconnect-success-rate'),
    'handshake-p95': (r) => {
        const p95s = [r.scenarios.flapping, r.scenarios.leak].map((s) => s.handshakeMs?.p95).filter((v) => v !== undefined);
        return p95s.length === 0 ? null : Math.max(...p95s);
    },
    'memory-growth': (r) => (r.memory.retainedGrowthBytes === null ? null : mbFromBytes(r.memory.retainedGrowthBytes)),
    // The check's value, not the raw fit: a trend the check did not trust (too few connections) is not compared.
    'leak-per-connection': checkValue('leak-per-connection'),
    'fd-growth': (r) => r.signals?.growth.fds ?? null,
    'lingering-connections': (r) => r.signals?.growth.lingeringConnections ?? null,
};
/** Why two reports cannot be compared, or null when they can. */
function incompatibility(base, current) {
    if (base.schemaVersion !== REPORT_SCHEMA_VERSION) {
        return `the base report has schema version ${String(base.schemaVersion)}, this gate writes ${REPORT_SCHEMA_VERSION}`;
    }
    const differing = COMPARED_SETTINGS.filter((k) => (base.config[k] ?? '') !== (current.config[k] ?? ''));
    if (differing.length > 0) {
        return (`the scenario settings differ ` +
            `(${differing.map((k) => `${k}: ${base.config[k] ?? 'unset'} vs ${current.config[k] ?? 'unset'}`).join(', ')})`);
    }
    return null;
}
/** The median of a metric over several runs of one side (alternating rounds); null when never measured. */
function medianOf(reports, read) {
    return median(reports.map(read).filter((v) => v !== null));
}
/** The metrics of both sides (medians over their runs) side by side, and whether each regressed. */
function compareMetrics(bases, currents, maxRegressionPercent) {
    return COMPARED_METRICS.map((m) => {
        const b = medianOf(bases, READ[m.id]);
        const c = medianOf(currents, READ[m.id]);
        const change = b === null || c === null ? null : c - b;
        const worsening = change === null ? null : m.worse === 'up' ? change : -change;
        const relative = b === null || worsening === null ? null : b === 0 ? (worsening > 0 ? Infinity : 0) : (worsening / Math.abs(b)) * 100;
        const regressed = worsening !== null && relative !== null && worsening > m.floor && relative > maxRegressionPercent;
        return {
            id: m.id,
            title: m.title,
            unit: m.unit,
            base: b,
            current: c,
            change,
            changePercent: b === null || change === null || b === 0 ? null : Math.round((change / Math.abs(b)) * 1000) / 10,
            floor: m.floor,
            regressed,
        };
    });
}
/**
 * The report with its comparison to the base attached, regression checks added and the verdict redone.
 * `bases` and `currents` are the runs of each side (one each, or several alternating rounds).
 */
function withComparison(current, bases, options, currents = [current]) {
    const skipped = bases.map((b) => incompatibility(b, current)).find((why) => why !== null) ?? null;
    const comparison = skipped
        ? { source: options.source, skipped, maxRegressionPercent: options.maxRegressionPercent, metrics: [] }
        : {
            source: options.source,
            skipped: null,
            maxRegressionPercent: options.maxRegressionPercent,
            metrics: compareMetrics(bases, currents, options.maxRegressionPercent),
        };
    const checks = [...current.checks, ...regressionChecks(comparison, options)];
    return { ...current, comparison, checks, verdict: verdictOf(checks) };
}
/** One check per metric measured on both sides; a skipped comparison adds none (the report says why). */
function regressionChecks(comparison, options) {
    return comparison.metrics
        .filter((m) => m.base !== null && m.current !== null)
        .map((m) => {
        const id = `regression-${m.id}`;
        const level = options.level === 'warn' || options.warnOnly?.includes(id) ? 'warn' : 'error';
        const status = m.regressed ? (level === 'warn' ? 'warn' : 'fail') : 'pass';
        return {
            id,
            title: `${m.title} vs base`,
            measured: `${formatValue(m.base, m.unit)} → ${formatValue(m.current, m.unit)}`,
            limit: `worse by at most ${options.maxRegressionPercent} % or ${formatValue(m.floor, m.unit)}`,
            value: m.change,
            level,
            status,
            ...(m.regressed
                ? {
                    detail: `worse by ` +
                        `${formatValue(Math.abs(m.change), m.unit)}${m.changePercent !== null ? ` (${Math.abs(m.changePercent)} %)` : ''} than ` +
                        `${comparison.source}`,
                }
                : {}),
        };
    });
}

;// CONCATENATED MODULE: ./src/report/validate.ts
// Checks that a JSON report read back from a file (an artifact of another run: untrusted) has the Report's shape.

/** A report that cannot be trusted to render: names the field, what it should be and what it was. */
class ReportShapeError extends Error {
    constructor(message) {
        super(message);
        this.name = 'ReportShapeError';
    }
}
// Records keyed by the union, so adding a phase or a status without listing it here fails to compile.
const PHASES = {
    startup: true,
    warmup: true,
    baseline: true,
    flapping: true,
    leak: true,
    cooldown: true,
    'dead-peers': true,
    'slow-consumer': true,
    hostile: true,
    recovery: true,
    teardown: true,
};
const STATUSES = { pass: true, warn: true, fail: true, 'not-measured': true };
const LEVELS = { error: true, warn: true };
const VERDICTS = { pass: true, warn: true, fail: true };
const STOP_REASONS = ['crash', 'timeout', 'cancelled', 'startup-failed', 'error'];
const MODES = ['launch', 'attach'];
const PID_SOURCES = ['launched', 'server-pid', 'port-owner'];
function typeName(value) {
    return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}
function expect(path, what, got) {
    const shown = typeof got === 'string' ? ` '${got.slice(0, 40)}'` : '';
    throw new ReportShapeError(`${path} must be ${what}, got ${typeName(got)}${shown}`);
}
/** A small reader over one object: each accessor checks a field's type and names its path when it is wrong. */
class Fields {
    value;
    path;
    constructor(value, path) {
        this.value = value;
        this.path = path;
    }
    static of(value, path) {
        if (typeof value !== 'object' || value === null || Array.isArray(value))
            expect(path, 'an object', value);
        return new Fields(value, path);
    }
    at(key) {
        return this.path === '' ? key : `${this.path}.${key}`;
    }
    obj(key) {
        return Fields.of(this.value[key], this.at(key));
    }
    str(key, nullable = false) {
        const v = this.value[key];
        if (!(typeof v === 'string' || (nullable && v === null)))
            expect(this.at(key), nullable ? 'a string or null' : 'a string', v);
    }
    num(key, nullable = false) {
        const v = this.value[key];
        if (!((typeof v === 'number' && Number.isFinite(v)) || (nullable && v === null))) {
            expect(this.at(key), nullable ? 'a number or null' : 'a number', v);
        }
    }
    bool(key) {
        if (typeof this.value[key] !== 'boolean')
            expect(this.at(key), 'true or false', this.value[key]);
    }
    oneOf(key, allowed) {
        if (!allowed.includes(this.value[key]))
            expect(this.at(key), `one of ${allowed.join(', ')}`, this.value[key]);
    }
    list(key, each) {
        const v = this.value[key];
        if (!Array.isArray(v))
            expect(this.at(key), 'an array', v);
        v.forEach((item, i) => each(item, `${this.at(key)}[${i}]`));
    }
    optional(key) {
        return this.value[key] !== undefined;
    }
}
function validate_latency(f, key) {
    if (f.value[key] === null)
        return;
    const l = f.obj(key);
    for (const k of ['count', 'mean', 'p50', 'p95', 'p99', 'max'])
        l.num(k);
}
function counts(f, key) {
    const c = f.obj(key);
    for (const k of Object.keys(c.value))
        c.num(k);
}
function loadScenario(f, id) {
    const s = f.obj(id);
    s.oneOf('id', [id]);
    s.bool('enabled');
    const p = s.obj('prescribed');
    for (const k of ['clients', 'cyclesPerClient', 'holdMs', 'pauseMs', 'cycleMs'])
        p.num(k);
    for (const k of ['attempts', 'connected', 'cleanDisconnects', 'durationMs'])
        s.num(k);
    // Fields added to schema version 1 later are optional, so a report from an older gate still posts.
    if (s.optional('abruptDisconnects'))
        s.num('abruptDisconnects');
    if (s.optional('injectedResets')) {
        const injected = s.obj('injectedResets');
        injected.num('connect');
        injected.num('disconnect');
    }
    s.num('connectRate', true);
    s.num('disconnectRate', true);
    counts(s, 'connectFailures');
    counts(s, 'disconnectFailures');
    for (const k of ['handshakeMs', 'closeMs', 'cycleMs'])
        validate_latency(s, k);
}
function recovery(f) {
    const r = f.obj('recovery');
    r.oneOf('id', ['recovery']);
    for (const k of ['enabled', 'connected', 'closedCleanly'])
        r.bool(k);
    if (r.optional('connectFailure'))
        r.str('connectFailure');
    r.num('handshakeMs', true);
    for (const k of ['pingsSent', 'pongsReceived', 'messagesSent', 'messagesAnswered', 'heldMs'])
        r.num(k);
    validate_latency(r, 'pingRttMs');
    r.str('expect');
    r.list('problems', (p, path) => typeof p === 'string' || expect(path, 'a string', p));
}
function server(f) {
    const s = f.obj('server');
    s.oneOf('mode', MODES);
    s.str('command', true);
    s.str('url');
    s.num('pid', true);
    s.oneOf('pidSource', [...PID_SOURCES, null]);
    s.num('readyAfterMs', true);
    if (s.value.exit !== null) {
        const e = s.obj('exit');
        e.num('code', true);
        e.str('signal', true);
        e.oneOf('phase', Object.keys(PHASES));
        e.num('atMs');
    }
    s.str('logPath', true);
    s.list('logTail', (l, path) => typeof l === 'string' || expect(path, 'a string', l));
    s.list('pidsSeen', (p, path) => (typeof p === 'number' && Number.isFinite(p)) || expect(path, 'a number', p));
    s.list('survivors', (p, path) => (typeof p === 'number' && Number.isFinite(p)) || expect(path, 'a number', p));
    s.list('processes', (p, path) => {
        const proc = Fields.of(p, path);
        proc.num('pid');
        proc.str('command');
    });
}
function memory(f) {
    const m = f.obj('memory');
    m.bool('measured');
    if (m.optional('reason'))
        m.str('reason');
    m.num('sampleIntervalMs');
    m.list('samples', (s, path) => {
        const sample = Fields.of(s, path);
        for (const k of ['tMs', 'rssBytes', 'cpuPercent', 'processes'])
            sample.num(k);
        sample.oneOf('phase', Object.keys(PHASES));
    });
    for (const k of ['baselineBytes', 'peakBytes', 'retainedBytes', 'retainedGrowthBytes', 'peakGrowthBytes', 'growthPercent'])
        m.num(k, true);
    if (m.optional('trend') && m.value.trend !== null) {
        const t = m.obj('trend');
        t.list('points', (p, path) => {
            const point = Fields.of(p, path);
            point.num('connections');
            point.num('rssBytes');
        });
        t.num('skipped');
        t.num('kbPerConnection', true);
        t.num('standardErrorKb', true);
    }
}
const SIGNAL_KEYS = ['fds', 'threads', 'processes', 'lingeringConnections', 'sessions'];
function signals(f) {
    if (!f.optional('signals'))
        return;
    const s = f.obj('signals');
    for (const key of ['baseline', 'after', 'growth']) {
        if (key !== 'growth' && s.value[key] === null)
            continue;
        const reading = s.obj(key);
        for (const k of SIGNAL_KEYS)
            reading.num(k, true);
    }
    s.list('notes', (n, path) => typeof n === 'string' || expect(path, 'a string', n));
}
function comparison(f) {
    if (!f.optional('comparison') || f.value.comparison === null)
        return;
    const c = f.obj('comparison');
    c.str('source');
    c.str('skipped', true);
    c.num('maxRegressionPercent');
    c.list('metrics', (m, path) => {
        const metric = Fields.of(m, path);
        for (const k of ['id', 'title', 'unit'])
            metric.str(k);
        for (const k of ['base', 'current', 'change', 'changePercent'])
            metric.num(k, true);
        metric.num('floor');
        metric.bool('regressed');
    });
}
function heap(f) {
    if (!f.optional('heap') || f.value.heap === null)
        return;
    f.obj('heap').list('suspects', (item, path) => {
        const suspect = Fields.of(item, path);
        suspect.str('name');
        for (const k of ['countDelta', 'perConnection', 'bytesDelta'])
            suspect.num(k);
        if (suspect.value.retainerPath === null)
            return;
        suspect.list('retainerPath', (step, stepPath) => {
            const s = Fields.of(step, stepPath);
            s.str('edge');
            s.str('node');
        });
    });
}
/**
 * Returns the value as a Report when every field the renderers read has the right type and every enum a known
 * value (a forged report could otherwise smuggle markup through a field the renderer trusts); throws
 * ReportShapeError naming the first bad field. The schema version is checked first, with its own message.
 */
function validateReport(value) {
    const root = Fields.of(value, 'report');
    const version = root.value.schemaVersion;
    if (version !== REPORT_SCHEMA_VERSION) {
        throw new ReportShapeError(typeof version === 'number' && version > REPORT_SCHEMA_VERSION
            ? `report schema version ${version} is newer than this gate reads (${REPORT_SCHEMA_VERSION}): use the same version of the ` +
                `action in both workflows`
            : `report schema version must be ${REPORT_SCHEMA_VERSION}, got ${JSON.stringify(version) ?? 'nothing'}: is this a ` +
                `ws-resilience-gate report?`);
    }
    const f = new Fields(root.value, '');
    const tool = f.obj('tool');
    tool.str('name');
    tool.str('version');
    f.str('startedAt');
    f.num('durationMs');
    const env = f.obj('environment');
    for (const k of ['os', 'arch', 'node'])
        env.str(k);
    for (const k of ['runnerOs', 'commit', 'workflow', 'job'])
        env.str(k, true);
    if (env.optional('pullRequest'))
        env.num('pullRequest', true);
    if (env.optional('runUrl'))
        env.str('runUrl', true);
    const config = f.obj('config');
    for (const k of Object.keys(config.value))
        config.str(k);
    server(f);
    f.list('phases', (p, path) => {
        const span = Fields.of(p, path);
        span.oneOf('name', Object.keys(PHASES));
        span.num('startMs');
        span.num('endMs');
    });
    if (f.value.stopped !== null) {
        const stop = f.obj('stopped');
        stop.oneOf('phase', Object.keys(PHASES));
        stop.oneOf('reason', STOP_REASONS);
        stop.str('message');
    }
    const scenarios = f.obj('scenarios');
    loadScenario(scenarios, 'flapping');
    loadScenario(scenarios, 'leak');
    recovery(scenarios);
    memory(f);
    signals(f);
    comparison(f);
    heap(f);
    f.list('checks', (c, path) => {
        const check = Fields.of(c, path);
        for (const k of ['id', 'title', 'measured', 'limit'])
            check.str(k);
        check.num('value', true);
        check.oneOf('level', Object.keys(LEVELS));
        check.oneOf('status', Object.keys(STATUSES));
        if (check.optional('detail'))
            check.str('detail');
    });
    f.oneOf('verdict', Object.keys(VERDICTS));
    return value;
}

;// CONCATENATED MODULE: ./src/report/json.ts
// Writes the JSON report (the versioned Report object as it is) and reads one back, checked, for post-comment mode.



/** Writes the report to `path` (folders created) and returns the absolute path. */
async function writeJsonReport(report, path) {
    const absolute = (0,external_node_path_namespaceObject.resolve)(path);
    await (0,promises_namespaceObject.mkdir)((0,external_node_path_namespaceObject.dirname)(absolute), { recursive: true });
    await (0,promises_namespaceObject.writeFile)(absolute, `${JSON.stringify(report, null, 2)}\n`);
    return absolute;
}
/**
 * Reads a report written by writeJsonReport (maybe by another run); throws naming the file and what is wrong with it.
 * `input` is the input that named the file, for the hint when it is missing.
 */
async function readJsonReport(path, input = 'report-path') {
    const absolute = (0,external_node_path_namespaceObject.resolve)(path);
    let text;
    try {
        text = await (0,promises_namespaceObject.readFile)(absolute, 'utf8');
    }
    catch (err) {
        throw new Error(`no report at ${absolute} (${err.code ?? err.message}): was the artifact downloaded to ` +
            `${input}?`, { cause: err });
    }
    let parsed;
    try {
        parsed = JSON.parse(text);
    }
    catch (err) {
        throw new Error(`the report at ${absolute} is not JSON: ${err.message}`, { cause: err });
    }
    try {
        return validateReport(parsed);
    }
    catch (err) {
        throw new Error(`the report at ${absolute} cannot be used: ${err.message}`, { cause: err });
    }
}

;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
;// CONCATENATED MODULE: ./src/analysis/memory.ts
// Memory figures from the samples of a run: baseline, peak, retained and growth (pure).


const LOAD_PHASES = ['flapping', 'leak'];
/**
 * The samples as the server's own memory: those taken while a probe ran are left out, and what each probe added
 * is subtracted from every later sample. The report keeps the raw samples; only the figures use these.
 */
function withoutProbes(samples, windows) {
    if (windows.length === 0)
        return [...samples];
    return samples
        .filter((s) => !windows.some((w) => s.tMs > w.fromMs && s.tMs < w.toMs))
        .map((s) => {
        const added = windows.filter((w) => w.toMs <= s.tMs).reduce((sum, w) => sum + w.bytes, 0);
        return added === 0 ? s : { ...s, rssBytes: s.rssBytes - added };
    });
}
/**
 * baseline = median of the baseline window; peak = max during load; retained = median of the
 * cooldown window (or the first sample after load when there was no cooldown sample). Probe windows (heap
 * snapshots) are taken out first, so memory the gate's own probing made the server allocate is not growth.
 */
function analyzeMemory(rawSamples, sampleIntervalMs, trendPoints = [], probeWindows = [], 
/**
 * Growth known for certain from elsewhere (the heap after a full GC between the first and last snapshot). What a
 * probe added is only a bound: the allocator hands the memory a snapshot freed to the server's later growth, so
 * after subtracting it the retained growth is at least this.
 */
knownGrowthBytes = null) {
    const samples = withoutProbes(rawSamples, probeWindows);
    const inPhase = (phases) => samples.filter((s) => phases.includes(s.phase));
    const baselineBytes = median(inPhase(['baseline']).map((s) => s.rssBytes));
    const load = inPhase(LOAD_PHASES);
    const peakBytes = load.length === 0 ? null : Math.max(...load.map((s) => s.rssBytes));
    let retainedBytes = median(inPhase(['cooldown']).map((s) => s.rssBytes));
    if (retainedBytes !== null && baselineBytes !== null && knownGrowthBytes !== null && probeWindows.length > 0) {
        retainedBytes = Math.max(retainedBytes, baselineBytes + knownGrowthBytes);
    }
    if (retainedBytes === null && load.length > 0) {
        const lastLoad = samples.lastIndexOf(load[load.length - 1]);
        retainedBytes = samples[lastLoad + 1]?.rssBytes ?? null;
    }
    const retainedGrowthBytes = baselineBytes !== null && retainedBytes !== null ? retainedBytes - baselineBytes : null;
    const peakGrowthBytes = baselineBytes !== null && peakBytes !== null ? peakBytes - baselineBytes : null;
    return {
        measured: baselineBytes !== null,
        ...(baselineBytes === null
            ? { reason: samples.length === 0 ? 'no sample of the server tree was taken' : 'no baseline sample before the load' }
            : {}),
        sampleIntervalMs,
        samples: rawSamples,
        ...(probeWindows.length > 0 ? { probeOverheadBytes: probeWindows.reduce((sum, w) => sum + w.bytes, 0) } : {}),
        baselineBytes,
        peakBytes,
        retainedBytes,
        retainedGrowthBytes,
        peakGrowthBytes,
        growthPercent: retainedGrowthBytes !== null && baselineBytes ? Math.round((retainedGrowthBytes / baselineBytes) * 1000) / 10 : null,
        trend: trendPoints.length === 0 ? null : fitTrend(trendPoints),
    };
}

;// CONCATENATED MODULE: ./src/server/proc-net-tcp.ts
// Reads /proc/net/tcp and /proc/net/tcp6 tables: which socket inodes sit on a local port in which state.
/** Socket states as /proc/net/tcp writes them (hex). */
const TCP_STATE = { ESTABLISHED: '01', CLOSE_WAIT: '08', LISTEN: '0A' };
/** Inodes of the sockets whose local port is `port` and whose state is one of `states`. */
function socketInodes(procNetTcp, port, states) {
    const inodes = [];
    for (const line of procNetTcp.split('\n').slice(1)) {
        const fields = line.trim().split(/\s+/);
        const local = fields[1];
        const state = fields[3];
        const inode = fields[9];
        if (!local || !inode || inode === '0' || !states.includes(state ?? ''))
            continue;
        if (Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port)
            inodes.push(inode);
    }
    return inodes;
}

;// CONCATENATED MODULE: ./src/probe/proc-signals.ts
// Exact leak signals of the server tree, read from /proc (Linux): open fds, threads, processes, and
// TCP connections on the server's port still ESTABLISHED or CLOSE_WAIT. Null where not measurable.


/** Inodes of sockets with local port `port` in ESTABLISHED or CLOSE_WAIT, from a /proc/net/tcp{,6} table. */
function lingeringInodes(procNetTcp, port) {
    return socketInodes(procNetTcp, port, [TCP_STATE.ESTABLISHED, TCP_STATE.CLOSE_WAIT]);
}
/** One reading of the tree's signals. On systems without /proc every figure but processes is null (reported n/a). */
async function readSignals(pids, port, platform = process.platform) {
    if (platform !== 'linux' || pids.length === 0) {
        return { fds: null, threads: null, processes: pids.length === 0 ? null : pids.length, lingeringConnections: null };
    }
    let fds = 0;
    let threads = 0;
    // Another user's process (a server in a container running as root): its fds cannot be listed. Counting
    // them as 0 would pass every fd and lingering check unseen, so both become n/a.
    let fdsHidden = false;
    const socketInodes = new Set();
    for (const pid of pids) {
        const entries = await (0,promises_namespaceObject.readdir)(`/proc/${pid}/fd`).catch((err) => {
            if (err.code === 'EACCES' || err.code === 'EPERM')
                fdsHidden = true;
            return [];
        });
        fds += entries.length;
        for (const fd of entries) {
            const link = await (0,promises_namespaceObject.readlink)(`/proc/${pid}/fd/${fd}`).catch(() => '');
            if (link.startsWith('socket:['))
                socketInodes.add(link.slice(8, -1));
        }
        const status = await (0,promises_namespaceObject.readFile)(`/proc/${pid}/status`, 'utf8').catch(() => '');
        threads += Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    }
    // The tree's own network namespace: /proc/<pid>/net is that of the process.
    const root = pids[0];
    const tables = await Promise.all([`/proc/${root}/net/tcp`, `/proc/${root}/net/tcp6`].map((f) => (0,promises_namespaceObject.readFile)(f, 'utf8').catch(() => '')));
    const lingering = tables.flatMap((t) => lingeringInodes(t, port)).filter((inode) => socketInodes.has(inode));
    if (fdsHidden)
        return { fds: null, threads, processes: pids.length, lingeringConnections: null };
    return { fds, threads, processes: pids.length, lingeringConnections: lingering.length };
}

;// CONCATENATED MODULE: external "node:http"
const external_node_http_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");
;// CONCATENATED MODULE: external "node:https"
const external_node_https_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");
;// CONCATENATED MODULE: external "node:tls"
const external_node_tls_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");
;// CONCATENATED MODULE: ./src/probe/stats-url.ts
// Sessions a server reports about itself: one numeric field of a JSON document at `stats-url`.



/** Reads `field` (a dotted path such as `ws.sessions`) from `json`; throws when it is not a number. */
function numberAt(json, field) {
    let value = json;
    for (const key of field.split('.')) {
        value = value !== null && typeof value === 'object' ? value[key] : undefined;
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new Error(`field '${field}' is ${value === undefined ? 'missing' : `not a number (${JSON.stringify(value)?.slice(0, 80)})`}`);
    }
    return value;
}
/** GETs the stats URL (bounded by timeoutMs) and returns the session count it reports. */
async function readSessions(url, field, timeoutMs, tls = {}) {
    const { status, text } = await getText(url, timeoutMs, tls);
    if (status < 200 || status >= 300)
        throw new Error(`HTTP ${status} from ${url}`);
    let json;
    try {
        json = JSON.parse(text);
    }
    catch {
        throw new Error(`${url} did not return JSON: ${text.slice(0, 80)}`);
    }
    return numberAt(json, field);
}
/** One GET without keep-alive (no pooled socket outlives the call). */
function getText(url, timeoutMs, tls) {
    return new Promise((resolve, reject) => {
        const https = url.startsWith('https:');
        const get = https ? external_node_https_namespaceObject.get : external_node_http_namespaceObject.get;
        const options = {
            agent: false,
            headers: { accept: 'application/json', connection: 'close' },
            timeout: timeoutMs,
            ...(https && tls.ca ? { ca: [...external_node_tls_namespaceObject.rootCertificates, tls.ca] } : {}),
            ...(https && tls.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
        };
        const request = get(url, options, (response) => {
            let text = '';
            response.setEncoding('utf8');
            response.on('data', (chunk) => {
                if (text.length < 1_000_000)
                    text += chunk;
            });
            response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
            response.on('error', reject);
        });
        request.on('timeout', () => request.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
        request.on('error', reject);
    });
}

;// CONCATENATED MODULE: ./src/probe/exact-signals.ts
// One run's exact leak signals: read at baseline and after cooldown, with what made any of them n/a.


class ExactSignals {
    config;
    port;
    listTree;
    baseline = null;
    after = null;
    /** Why a signal could not be read (a stats-url error), one line each. */
    notes = [];
    /**
     * @param port the server's port (port 0 of the url already replaced)
     * @param listTree lists the server tree now; null when no pid is known
     */
    constructor(config, port, listTree) {
        this.config = config;
        this.port = port;
        this.listTree = listTree;
    }
    async readBaseline() {
        this.baseline = await this.read();
    }
    async readAfter() {
        this.after = await this.read();
    }
    /** Both readings and the notes, as the report's analysis takes them. */
    readings() {
        return { baseline: this.baseline, after: this.after, notes: [...this.notes] };
    }
    async read() {
        const pids = this.listTree ? await this.listTree() : [];
        const reading = { ...(await readSignals(pids, this.port)), sessions: null };
        const { stats, client } = this.config;
        if (stats.url) {
            try {
                reading.sessions = await readSessions(statsUrlFor(stats.url, this.port), stats.field, client.connectTimeoutMs, {
                    ca: client.ca,
                    rejectUnauthorized: !client.insecureTls,
                });
            }
            catch (err) {
                this.notes.push(`stats-url: ${err.message}`);
            }
        }
        return reading;
    }
}
/** Port 0 in stats-url means the server's own port (which port 0 in url may have picked). */
function statsUrlFor(statsUrl, serverPort) {
    const stats = new URL(statsUrl);
    if (stats.port === '0')
        stats.port = String(serverPort);
    return stats.toString();
}

;// CONCATENATED MODULE: external "node:net"
const external_node_net_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");
;// CONCATENATED MODULE: external "node:timers/promises"
const external_node_timers_promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:timers/promises");
;// CONCATENATED MODULE: external "node:child_process"
const external_node_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");
;// CONCATENATED MODULE: ./src/server/process-tree.ts
// Finds a process and all its descendants, and tells whether a pid is still alive. Read-only.



const isLinux = process.platform === 'linux';
/**
 * The pid and every descendant of it that is alive now, root first. Empty when the root is gone. `platform`
 * picks the method (tests run the ps one on Linux too).
 */
async function listTree(rootPid, platform = process.platform) {
    if (platform === 'linux')
        return listTreeFromProc(rootPid);
    if (platform === 'win32')
        return descendantsIn(rootPid, parseWindowsTable(await commandOutput('powershell.exe', powershellArgs(WINDOWS_TABLE_SCRIPT))));
    return descendantsIn(rootPid, parsePsTable(await commandOutput('ps', ['-A', '-o', 'pid=,ppid=,stat='])));
}
/** Parses `ps -A -o pid=,ppid=,stat=` (macOS, the BSDs, Linux without /proc). */
function parsePsTable(text) {
    const rows = [];
    for (const line of text.split('\n')) {
        const [pid, ppid, stat = ''] = line.trim().split(/\s+/);
        if (!/^\d+$/.test(pid ?? '') || !/^\d+$/.test(ppid ?? ''))
            continue;
        rows.push({ pid: Number(pid), ppid: Number(ppid), zombie: stat.startsWith('Z') });
    }
    return rows;
}
/**
 * Every process as `pid ppid creation-FILETIME`, one a line. CIM rather than wmic, which newer Windows images
 * no longer ship. The System Idle Process has no creation date: 0.
 */
const WINDOWS_TABLE_SCRIPT = "Get-CimInstance Win32_Process | ForEach-Object { '{0} {1} {2}' -f $_.ProcessId, $_.ParentProcessId, $(if ($_.CreationDate) { " +
    '$_.CreationDate.ToFileTimeUtc() } else { 0 }) }';
/** Parses the output of WINDOWS_TABLE_SCRIPT (CRLF line ends). */
function parseWindowsTable(text) {
    const rows = [];
    for (const line of text.split(/\r?\n/)) {
        const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s*$/.exec(line);
        if (m)
            rows.push({ pid: Number(m[1]), ppid: Number(m[2]), started: Number(m[3]) });
    }
    return rows;
}
/**
 * The root and its descendants in a table, root first; empty when the root is not in it (or is a zombie).
 * Windows keeps a child's parent pid after the parent exits and reuses pids soon: a "child" that started
 * before its parent belongs to an earlier owner of that pid and is left out.
 */
function descendantsIn(rootPid, rows) {
    const byPid = new Map(rows.filter((r) => !r.zombie).map((r) => [r.pid, r]));
    if (!byPid.has(rootPid))
        return [];
    const childrenOf = new Map();
    for (const row of byPid.values()) {
        if (row.pid === row.ppid)
            continue; // Windows' System Idle Process is its own parent
        childrenOf.set(row.ppid, [...(childrenOf.get(row.ppid) ?? []), row]);
    }
    const tree = [];
    const seen = new Set();
    const queue = [byPid.get(rootPid)];
    while (queue.length > 0) {
        const parent = queue.shift();
        if (seen.has(parent.pid))
            continue;
        seen.add(parent.pid);
        tree.push(parent.pid);
        for (const child of childrenOf.get(parent.pid) ?? []) {
            if (child.started !== undefined && parent.started !== undefined && child.started < parent.started)
                continue;
            queue.push(child);
        }
    }
    return tree;
}
/** powershell.exe arguments that run `script` without the user's profile and without any quoting to get wrong. */
function powershellArgs(script) {
    return ['-NoProfile', '-NonInteractive', '-EncodedCommand', Buffer.from(script, 'utf16le').toString('base64')];
}
/** stdout of a command, or '' when it cannot run or fails (the caller then sees no process). */
function commandOutput(file, args) {
    return new Promise((resolve) => {
        (0,external_node_child_process_namespaceObject.execFile)(file, args, { windowsHide: true, timeout: 30_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout) => resolve(err ? '' : stdout));
    });
}
async function listTreeFromProc(rootPid) {
    if (!(await isAlive(rootPid)))
        return [];
    const tree = [];
    const queue = [rootPid];
    while (queue.length > 0) {
        const pid = queue.shift();
        tree.push(pid);
        queue.push(...(await childrenFromProc(pid)));
    }
    return tree;
}
/**
 * Children of one pid from /proc/<pid>/task/<tid>/children (one read per thread, no scan of all processes).
 * Synchronous on purpose: procfs is served from kernel memory in microseconds, while an fs.promises read of a
 * zero-size /proc file costs ~0.15 ms of CPU (open, fstat, read, close on the threadpool); one per thread made
 * every memory sample cost 4-5 ms of CPU, 5 % of a core at the default interval (npm run bench).
 */
async function childrenFromProc(pid) {
    let tids;
    try {
        tids = (0,external_node_fs_namespaceObject.readdirSync)(`/proc/${pid}/task`);
    }
    catch {
        return [];
    }
    const children = [];
    for (const tid of tids) {
        try {
            const text = (0,external_node_fs_namespaceObject.readFileSync)(`/proc/${pid}/task/${tid}/children`, 'utf8');
            for (const part of text.split(' ')) {
                const child = Number(part);
                if (child > 0)
                    children.push(child);
            }
        }
        catch {
            // The thread ended between readdir and read.
        }
    }
    return children;
}
/**
 * True while the pid exists and is not a zombie (a zombie holds no memory and runs nothing). On Linux a
 * synchronous /proc read: microseconds, where an async one costs the sampler ~0.7 ms of CPU per sample.
 */
async function isAlive(pid) {
    if (isLinux) {
        try {
            const stat = (0,external_node_fs_namespaceObject.readFileSync)(`/proc/${pid}/stat`, 'utf8');
            const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
            return state !== 'Z' && state !== 'X';
        }
        catch {
            return false;
        }
    }
    try {
        process.kill(pid, 0);
        return true;
    }
    catch (err) {
        return err.code === 'EPERM';
    }
}
/**
 * When the process started, in clock ticks since boot (/proc/<pid>/stat field 22), to tell it from a later process
 * that got the same pid; null off Linux or when the pid is gone.
 */
function startTimeOf(pid) {
    if (!isLinux)
        return null;
    try {
        const stat = (0,external_node_fs_namespaceObject.readFileSync)(`/proc/${pid}/stat`, 'utf8');
        // Fields after the command name (which may contain spaces and parentheses): state is field 3, starttime 22.
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const started = Number(fields[19]);
        return Number.isFinite(started) ? started : null;
    }
    catch {
        return null;
    }
}
/** The command line of a pid, for the report; '' when it cannot be read. */
async function commandLine(pid, platform = process.platform) {
    if (platform === 'win32') {
        return (await commandOutput('powershell.exe', powershellArgs(`(Get-CimInstance Win32_Process -Filter 'ProcessId=${Math.trunc(pid)}').CommandLine`))).trim();
    }
    if (platform !== 'linux')
        return (await commandOutput('ps', ['-o', 'command=', '-p', String(pid)])).trim();
    try {
        const raw = await (0,promises_namespaceObject.readFile)(`/proc/${pid}/cmdline`, 'utf8');
        return raw.split('\0').filter(Boolean).join(' ');
    }
    catch {
        return '';
    }
}

;// CONCATENATED MODULE: ./src/server/port-owner.ts
// Attach mode: finds the pid that owns the listening socket on a port: /proc on Linux, lsof on macOS, and
// Get-NetTCPConnection on Windows.



/** Inodes of sockets listening on `port` (IPv4 and IPv6), from /proc/net/tcp{,6}. */
function listeningInodes(procNetTcp, port) {
    return socketInodes(procNetTcp, port, [TCP_STATE.LISTEN]);
}
/** The first pid listed one a line (`lsof -t`, PowerShell), other than `exclude`; null when there is none. */
function firstPid(text, exclude) {
    for (const line of text.split(/\r?\n/)) {
        const pid = /^\s*(\d+)\s*$/.exec(line)?.[1];
        if (pid && Number(pid) > 0 && Number(pid) !== exclude)
            return Number(pid);
    }
    return null;
}
/** The command that lists the pids listening on `port`, off Linux. */
function portOwnerCommand(platform, port) {
    const p = String(Math.trunc(port));
    if (platform === 'win32') {
        return [
            'powershell.exe',
            powershellArgs(`Get-NetTCPConnection -State Listen -LocalPort ${p} -ErrorAction SilentlyContinue | ForEach-Object { $_.OwningProcess }`),
        ];
    }
    return ['lsof', ['-nP', `-iTCP:${p}`, '-sTCP:LISTEN', '-t']];
}
/** The pid whose open fds include a socket listening on `port`; null when not found. */
async function findPortOwner(port, platform = process.platform) {
    if (platform !== 'linux')
        return firstPid(await commandOutput(...portOwnerCommand(platform, port)), process.pid);
    const tables = await Promise.all(['/proc/net/tcp', '/proc/net/tcp6'].map((f) => (0,promises_namespaceObject.readFile)(f, 'utf8').catch(() => '')));
    const wanted = new Set(tables.flatMap((t) => listeningInodes(t, port)).map((i) => `socket:[${i}]`));
    if (wanted.size === 0)
        return null;
    const pids = (await (0,promises_namespaceObject.readdir)('/proc')).filter((d) => /^\d+$/.test(d));
    for (const pid of pids) {
        if (Number(pid) === process.pid)
            continue;
        let fds;
        try {
            fds = await (0,promises_namespaceObject.readdir)(`/proc/${pid}/fd`);
        }
        catch {
            continue;
        }
        for (const fd of fds) {
            const link = await (0,promises_namespaceObject.readlink)(`/proc/${pid}/fd/${fd}`).catch(() => '');
            if (wanted.has(link))
                return Number(pid);
        }
    }
    return null;
}

;// CONCATENATED MODULE: ./src/server/endpoint.ts
// The server's address: picking a free port, and asking whether anything already listens there.



/** Hosts to try for a URL host: `localhost` may be served on either loopback family. */
function candidateAddresses(hostname) {
    const host = hostname.replace(/^\[|\]$/g, '');
    if (host === 'localhost') {
        return [
            { host: '127.0.0.1', pinned: { address: '127.0.0.1', family: 4 } },
            { host: '::1', pinned: { address: '::1', family: 6 } },
        ];
    }
    return [{ host }];
}
/** A port that was free on loopback a moment ago (the server binds it right after). */
function pickFreePort() {
    return new Promise((resolve, reject) => {
        const server = (0,external_node_net_namespaceObject.createServer)();
        server.unref();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const address = server.address();
            const port = typeof address === 'object' && address ? address.port : 0;
            server.close(() => resolve(port));
        });
    });
}
/** Replaces port 0 in a ws:// URL with `port`. */
function withPort(url, port) {
    const u = new URL(url);
    u.port = String(port);
    return u.toString();
}
/** The port a ws:// or wss:// URL connects to (80 or 443 when it names none). */
function portOf(url) {
    const u = new URL(url);
    if (u.port !== '')
        return Number(u.port);
    return u.protocol === 'wss:' ? 443 : 80;
}
/** True when a TCP connection to host:port succeeds within timeoutMs. */
function tcpAnswers(host, port, timeoutMs = 500) {
    return new Promise((resolve) => {
        const socket = (0,external_node_net_namespaceObject.connect)({ host, port });
        const done = (answered) => {
            clearTimeout(timer);
            socket.destroy();
            resolve(answered);
        };
        const timer = setTimeout(() => done(false), timeoutMs);
        socket.once('connect', () => done(true));
        socket.once('error', () => done(false));
    });
}
/** The address already answering on the URL's port, or null when none does. */
async function existingListener(url) {
    const u = new URL(url);
    const port = portOf(url);
    for (const { host } of candidateAddresses(u.hostname)) {
        if (await tcpAnswers(host, port))
            return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    }
    return null;
}
/** How long a killed server may take to let go of its port before the gate says it left the tree. */
const RELEASE_WAIT_MS = 1000;
/**
 * After teardown: what still listens on the URL's port, or null. A server that left the launched tree (setsid,
 * a daemon mode, a double fork, a start script that backgrounds it) escapes the tree's teardown but not this.
 */
async function listenerAfterTeardown(url, platform = process.platform, releaseWaitMs = RELEASE_WAIT_MS) {
    // A server killed a moment ago still holds its port until its last thread has exited: not one that left.
    const deadline = performance.now() + releaseWaitMs;
    let address = await existingListener(url);
    while (address !== null && performance.now() < deadline) {
        await (0,external_node_timers_promises_namespaceObject.setTimeout)(50);
        address = await existingListener(url);
    }
    if (address === null)
        return null;
    const pid = await findPortOwner(portOf(url), platform).catch(() => null);
    return { address, pid };
}
/** The sentence for a server still listening after teardown (launch mode: the gate started it, so it must be gone). */
function leftListeningText(left) {
    const who = left.pid !== null ? `pid ${left.pid}` : 'a process the gate could not identify';
    return (`${who} still listens on ${left.address} after teardown: the server left the process tree the gate started ` +
        `(setsid, a daemon mode, or a start script that backgrounds it), so it was not stopped; keep the server in the ` +
        `foreground of server-command${left.pid !== null ? `, and stop it yourself (kill ${left.pid})` : ''}`);
}

;// CONCATENATED MODULE: external "node:events"
const external_node_events_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:events");
// EXTERNAL MODULE: ./node_modules/ws/lib/stream.js
var stream = __nccwpck_require__(412);
// EXTERNAL MODULE: ./node_modules/ws/lib/extension.js
var extension = __nccwpck_require__(335);
// EXTERNAL MODULE: ./node_modules/ws/lib/permessage-deflate.js
var permessage_deflate = __nccwpck_require__(376);
// EXTERNAL MODULE: ./node_modules/ws/lib/receiver.js
var receiver = __nccwpck_require__(893);
// EXTERNAL MODULE: ./node_modules/ws/lib/sender.js
var sender = __nccwpck_require__(389);
// EXTERNAL MODULE: ./node_modules/ws/lib/subprotocol.js
var subprotocol = __nccwpck_require__(332);
// EXTERNAL MODULE: ./node_modules/ws/lib/websocket.js
var websocket = __nccwpck_require__(681);
// EXTERNAL MODULE: ./node_modules/ws/lib/websocket-server.js
var websocket_server = __nccwpck_require__(129);
;// CONCATENATED MODULE: ./node_modules/ws/wrapper.mjs











/* harmony default export */ const wrapper = (websocket);

;// CONCATENATED MODULE: ./src/client/connection.ts
// One WebSocket connection's lifecycle with timings: open, close cleanly or abruptly, classify failures.



/** How much of a refusal's body is kept, and how long we wait for it: enough for a one-line reason. */
const BODY_EXCERPT_BYTES = 1024;
const BODY_WAIT_MS = 200;
const connection_now = () => performance.now();
/** How early a Node timer may fire against performance.now() (measured: about 0.6 ms). */
const TIMER_SLACK_MS = 5;
/**
 * `ws`'s own socket factories (lib/websocket.js netConnect and tlsConnect), with the socket's local port noted
 * once it connects: `ws` gives no handle on the socket before the upgrade, and a reset socket forgets its port.
 */
function connectNoting(secure, onPort) {
    return (options) => {
        let socket;
        if (secure) {
            const servername = options.servername || options.servername === '' ? options.servername : (0,external_node_net_namespaceObject.isIP)(options.host ?? '') ? '' : options.host;
            socket = (0,external_node_tls_namespaceObject.connect)({ ...options, path: undefined, servername });
        }
        else {
            socket = (0,external_node_net_namespaceObject.connect)({ ...options, path: options.socketPath });
        }
        socket.once('connect', () => {
            if (socket.localPort !== undefined)
                onPort(socket.localPort);
        });
        return socket;
    };
}
/** Options handed to `ws` for every connection of the target. */
function clientOptions(target, onPort) {
    return {
        createConnection: connectNoting(target.url.startsWith('wss:'), onPort),
        headers: target.headers,
        handshakeTimeout: target.connectTimeoutMs,
        // ws waits 30 s for the server's close frame by default; our limit decides when a close is unclean.
        closeTimeout: target.closeTimeoutMs,
        perMessageDeflate: false,
        followRedirects: false,
        ...(target.pinned ? { lookup: pinnedLookup(target.pinned) } : {}),
        ...(target.ca ? { secureContext: secureContextFor(target.ca) } : {}),
        ...(target.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
    };
}
/** One TLS context per CA bundle: built per connection it would parse ~150 PEM certificates every handshake. */
const secureContexts = new Map();
/** A context trusting Node's bundled CAs and the given PEM certificates (like NODE_EXTRA_CA_CERTS). */
function secureContextFor(ca) {
    let context = secureContexts.get(ca);
    if (!context) {
        context = (0,external_node_tls_namespaceObject.createSecureContext)({ ca: [...external_node_tls_namespaceObject.rootCertificates, ca] });
        secureContexts.set(ca, context);
    }
    return context;
}
/**
 * A dns.lookup stand-in that always answers the pinned address: /etc/hosts may not list ::1 as
 * localhost, and Node may prefer either family. Handles both the single and the `all` form.
 */
function pinnedLookup(pinned) {
    return (_hostname, options, callback) => {
        if (options.all)
            callback(null, [{ address: pinned.address, family: pinned.family }]);
        else
            callback(null, pinned.address, pinned.family);
    };
}
/** Opens one connection; resolves (never rejects) with the socket or a classified failure. */
function openConnection(target, signal) {
    const start = connection_now();
    return new Promise((resolve) => {
        if (signal?.aborted) {
            resolve({ ok: false, failure: 'aborted', message: 'aborted before connecting', elapsedMs: 0 });
            return;
        }
        let settled = false;
        let localPort;
        const ws = new wrapper(target.url, target.subprotocols, clientOptions(target, (port) => (localPort = port)));
        const finish = (result) => {
            if (settled)
                return;
            settled = true;
            if (localPort !== undefined)
                result.localPort = localPort;
            clearTimeout(timer);
            signal?.removeEventListener('abort', onAbort);
            ws.off('open', onOpen);
            ws.off('error', onError);
            ws.off('close', onEarlyClose);
            ws.off('unexpected-response', onUnexpectedResponse);
            resolve(result);
        };
        const fail = (failure, message, response) => {
            ws.on('error', ignore);
            ws.terminate();
            finish({ ok: false, failure, message, elapsedMs: connection_now() - start, ...(response ? { response } : {}) });
        };
        function onOpen() {
            // From here on, errors show up as an unclean close; an unheard 'error' event would crash the gate.
            ws.on('error', ignore);
            bufferEarlyMessages(ws);
            ws.once('close', (code, reason) => {
                if (!closing.has(ws))
                    closedEarly.set(ws, { code, reason: reason.toString('utf8') });
            });
            finish({ ok: true, ws, handshakeMs: connection_now() - start });
        }
        function onError(err) {
            fail(classifyError(err), err.message);
        }
        function onEarlyClose(code) {
            fail('reset', `closed with code ${code} before the handshake completed`);
        }
        function onAbort() {
            fail('aborted', 'aborted while connecting');
        }
        // With this listener ws leaves the refused request to us: read the start of the body, then abort it.
        function onUnexpectedResponse(req, res) {
            const chunks = [];
            let size = 0;
            const status = res.statusCode ?? 0;
            const header = res.headers['sec-websocket-protocol'];
            const answered = () => {
                clearTimeout(bodyTimer);
                res.off('data', onData);
                res.off('end', answered);
                res.off('error', answered);
                req.destroy();
                const body = Buffer.concat(chunks).subarray(0, BODY_EXCERPT_BYTES).toString('utf8');
                const protocolHeader = Array.isArray(header) ? header.join(', ') : (header ?? null);
                fail(`http-${status}`, `Unexpected server response: ${status}`, { status, protocolHeader, body });
            };
            function onData(chunk) {
                size += chunk.length;
                if (chunks.reduce((n, c) => n + c.length, 0) < BODY_EXCERPT_BYTES)
                    chunks.push(chunk);
                if (size >= BODY_EXCERPT_BYTES)
                    answered();
            }
            const bodyTimer = setTimeout(answered, BODY_WAIT_MS);
            res.on('data', onData);
            res.once('end', answered);
            res.once('error', answered);
        }
        // ws has its own handshake timeout; this one also covers a stalled TCP connect.
        const timer = setTimeout(() => fail('timeout', `no handshake within ${target.connectTimeoutMs} ms`), target.connectTimeoutMs + 50);
        ws.once('open', onOpen);
        ws.once('error', onError);
        ws.once('close', onEarlyClose);
        ws.once('unexpected-response', onUnexpectedResponse);
        signal?.addEventListener('abort', onAbort, { once: true });
    });
}
/** Messages kept per connection until taken: a protocol that speaks first sends a few (Engine.IO: one or two). */
const EARLY_MESSAGES_MAX = 64;
const earlyMessages = new WeakMap();
/**
 * Keeps the first messages of a new connection. A message that comes with the handshake response is emitted
 * on a nextTick, before the opener's promise continuation could listen: without this it would be lost.
 */
function bufferEarlyMessages(ws) {
    const kept = [];
    const listener = (data, isBinary) => {
        if (kept.length < EARLY_MESSAGES_MAX)
            kept.push({ data, isBinary });
    };
    ws.on('message', listener);
    earlyMessages.set(ws, { kept, listener });
}
/** The messages that arrived since the connection opened, once; from then on the caller listens itself. */
function takeEarlyMessages(ws) {
    const early = earlyMessages.get(ws);
    if (!early)
        return [];
    ws.off('message', early.listener);
    earlyMessages.delete(ws);
    return early.kept;
}
/** Closes of connections that closed before we closed them (the server closed or dropped them). */
const closedEarly = new WeakMap();
/** The close of a connection the server closed (or dropped) before we closed it, once its close event fired; else null. */
function earlyClose(ws) {
    return closedEarly.get(ws) ?? null;
}
/** Connections whose close we started. */
const closing = new WeakSet();
/** What a close the server started is called: `server-close-<code>`, or `dropped` without a close frame. */
function serverCloseKind(code) {
    return code === 1006 ? 'dropped' : `server-close-${code}`;
}
/**
 * Closes an open connection. `clean`: close(1000) and wait for the server's close frame;
 * `abrupt`: terminate() without a handshake (always resolves clean=true: nothing was expected).
 * A connection the server closed (or dropped) first is never clean.
 */
function closeConnection(ws, mode, timeoutMs) {
    const start = connection_now();
    return new Promise((resolve) => {
        ws.on('error', ignore);
        closing.add(ws);
        if (ws.readyState === wrapper.CLOSED) {
            const early = closedEarly.get(ws)?.code ?? 1006;
            resolve({ clean: mode === 'abrupt', closeMs: 0, code: early, ...(mode === 'abrupt' ? {} : { failure: serverCloseKind(early) }) });
            return;
        }
        const serverClosedFirst = ws.readyState === wrapper.CLOSING;
        const timer = setTimeout(() => {
            // ws's own closeTimeout normally fires first; this is the backstop.
            ws.terminate();
        }, timeoutMs + 100);
        ws.once('close', (code) => {
            clearTimeout(timer);
            const closeMs = connection_now() - start;
            if (mode === 'abrupt') {
                resolve({ clean: true, closeMs, code });
            }
            else if (serverClosedFirst) {
                resolve({ clean: false, closeMs, code, failure: serverCloseKind(code) });
            }
            else if (code === 1000 || code === 1005) {
                resolve({ clean: true, closeMs, code });
            }
            else if (code === 1006) {
                // Timers fire up to a millisecond early against performance.now(): ws's own close timer ended it.
                resolve({ clean: false, closeMs, code, failure: closeMs >= timeoutMs - TIMER_SLACK_MS ? 'close-timeout' : 'no-close-frame' });
            }
            else {
                resolve({ clean: false, closeMs, code, failure: `close-${code}` });
            }
        });
        if (mode === 'abrupt')
            ws.terminate();
        else if (!serverClosedFirst)
            ws.close(1000);
    });
}
/**
 * A close that a server sends on purpose, as an answer: not 1006 (no close frame), and none of the codes that
 * say the server is going away or failing (1001 going away, 1011 internal error, 1012 restart, 1013 try later,
 * 1014 bad gateway, 1015 TLS).
 */
function isDeliberateClose(code) {
    return code !== 1006 && !(code === 1001 || (code >= 1011 && code <= 1015));
}
function ignore() { }
/** Maps a ws/net error to a failure kind: refused, reset, timeout, http-<status>, tls or error. */
function classifyError(err) {
    const http = /Unexpected server response: (\d{3})/.exec(err.message);
    if (http)
        return `http-${Number(http[1])}`;
    // A certificate that does not verify (DEPTH_ZERO_SELF_SIGNED_CERT, ERR_TLS_CERT_ALTNAME_INVALID, ...) or
    // no TLS at all on a wss:// URL (EPROTO, wrong version number): waiting will not change either.
    if (err.code && /CERT|SELF_SIGNED|^ERR_TLS_|^ERR_SSL_|^EPROTO$/.test(err.code))
        return 'tls';
    switch (err.code) {
        case 'ECONNREFUSED':
            return 'refused';
        case 'ECONNRESET':
        case 'EPIPE':
        case 'ECONNABORTED':
            return 'reset';
        case 'ETIMEDOUT':
            return 'timeout';
    }
    if (/handshake has timed out/i.test(err.message))
        return 'timeout';
    if (/socket hang up/i.test(err.message))
        return 'reset';
    return 'error';
}

;// CONCATENATED MODULE: ./src/scenarios/load.ts
// Flapping and leak prevention: clients that connect, hold, close and pause, cycle after cycle.




/**
 * The flapping or leak scenario as the configuration prescribes it (both use the flapping hold and pause), with
 * the resets of the network faults' proxy, when there is one, told apart.
 */
function loadSpecOf(config, id, proxy = null) {
    const flapping = id === 'flapping';
    return {
        ...(proxy ? { resetByGate: (port) => proxy.takeReset(port) } : {}),
        id,
        clients: flapping ? 1 : config.leak.clients,
        cyclesPerClient: flapping ? config.flapping.cycles : config.leak.cycles,
        holdMs: config.flapping.holdMs,
        pauseMs: config.flapping.pauseMs,
        ...(flapping ? {} : { abruptRatio: config.leak.abruptRatio, rounds: config.leak.rounds }),
    };
}
/** One line for people: "45/45 connected, 23/23 closed cleanly, 22 cut on purpose, 6 reset by the network faults". */
function loadLine(r) {
    const cut = r.abruptDisconnects > 0 ? `, ${r.abruptDisconnects} cut on purpose` : '';
    const injected = injectedResets(r);
    const reset = injected > 0 ? `, ${injected} reset by the network faults` : '';
    return `${r.connected}/${judgedAttempts(r)} connected, ${r.cleanDisconnects}/${judgedCloses(r)} closed cleanly${cut}${reset}`;
}
/** Runs the scenario until every client finished its cycles or `signal` aborts (partial results then). */
async function runLoad(spec, target, signal) {
    const tally = emptyTally();
    const start = performance.now();
    const rounds = Math.max(1, Math.min(spec.rounds ?? 1, spec.cyclesPerClient));
    let done = 0;
    for (let round = 0; round < rounds && !signal.aborted; round++) {
        const until = Math.round(((round + 1) * spec.cyclesPerClient) / rounds);
        const from = done;
        await Promise.all(Array.from({ length: spec.clients }, (_, client) => runClient(spec, client, from, until, target, signal, tally)));
        done = until;
        if (!signal.aborted)
            await spec.onRound?.(round, tally.attempts);
    }
    return summarizeLoad(spec, tally, performance.now() - start);
}
/** Does cycle k (numbered across all clients) end abruptly? Spreads ratio*n abrupt cycles evenly. */
function isAbrupt(k, ratio) {
    return Math.floor((k + 1) * ratio) > Math.floor(k * ratio);
}
async function runClient(spec, client, from, until, target, signal, tally) {
    for (let cycle = from; cycle < until && !signal.aborted; cycle++) {
        const cycleStart = performance.now();
        const abrupt = isAbrupt(cycle * spec.clients + client, spec.abruptRatio ?? 0);
        const opened = await openConnection(target, signal);
        if (signal.aborted) {
            if (opened.ok)
                opened.ws.terminate();
            return; // An interrupted cycle is not counted either way.
        }
        tally.attempts += 1;
        if (opened.ok) {
            tally.connected += 1;
            tally.handshakeMs.push(opened.handshakeMs);
            const held = await pause(spec.holdMs, signal);
            if (!held) {
                opened.ws.terminate();
                tally.attempts -= 1;
                tally.connected -= 1;
                tally.handshakeMs.pop();
                return;
            }
            const closed = await closeConnection(opened.ws, abrupt ? 'abrupt' : 'clean', target.closeTimeoutMs);
            if (abrupt)
                tally.abrupt += 1;
            else {
                tally.closeMs.push(closed.closeMs);
                if (closed.clean)
                    tally.clean += 1;
                else if (injected(spec, opened.localPort))
                    tally.injectedDisconnect += 1;
                else
                    bump(tally.disconnectFailures, closed.failure ?? 'error');
            }
        }
        else if (injected(spec, opened.localPort)) {
            tally.injectedConnect += 1;
        }
        else {
            bump(tally.connectFailures, opened.failure);
        }
        if (!(await pause(spec.pauseMs, signal)))
            return;
        tally.cycleMs.push(performance.now() - cycleStart);
    }
}
/** Waits ms; false when aborted meanwhile. */
async function pause(ms, signal) {
    if (ms <= 0)
        return !signal.aborted;
    try {
        await (0,external_node_timers_promises_namespaceObject.setTimeout)(ms, undefined, { signal });
        return true;
    }
    catch {
        return false;
    }
}
function injected(spec, localPort) {
    return localPort !== undefined && spec.resetByGate !== undefined && spec.resetByGate(localPort);
}
function bump(counts, kind) {
    counts[kind] = (counts[kind] ?? 0) + 1;
}
function summarizeLoad(spec, tally, durationMs) {
    const injectedCounts = tally.injectedConnect + tally.injectedDisconnect > 0
        ? { injectedResets: { connect: tally.injectedConnect, disconnect: tally.injectedDisconnect } }
        : {};
    const counts = { attempts: tally.attempts, connected: tally.connected, abruptDisconnects: tally.abrupt, ...injectedCounts };
    const attempts = judgedAttempts(counts);
    const closes = judgedCloses(counts);
    return {
        id: spec.id,
        enabled: true,
        prescribed: {
            clients: spec.clients,
            cyclesPerClient: spec.cyclesPerClient,
            holdMs: spec.holdMs,
            pauseMs: spec.pauseMs,
            cycleMs: spec.holdMs + spec.pauseMs,
        },
        attempts: tally.attempts,
        connected: tally.connected,
        cleanDisconnects: tally.clean,
        abruptDisconnects: tally.abrupt,
        ...injectedCounts,
        connectRate: attempts === 0 ? null : tally.connected / attempts,
        disconnectRate: closes === 0 ? null : tally.clean / closes,
        connectFailures: tally.connectFailures,
        disconnectFailures: tally.disconnectFailures,
        handshakeMs: summarize(tally.handshakeMs),
        closeMs: summarize(tally.closeMs),
        cycleMs: summarize(tally.cycleMs),
        durationMs: Math.round(durationMs),
    };
}
/** The result of a scenario that did not run (disabled on purpose, or the run stopped before it). */
function emptyLoadResult(spec, enabled) {
    return { ...summarizeLoad(spec, emptyTally(), 0), enabled };
}
function emptyTally() {
    return {
        attempts: 0,
        connected: 0,
        clean: 0,
        abrupt: 0,
        injectedConnect: 0,
        injectedDisconnect: 0,
        connectFailures: {},
        disconnectFailures: {},
        handshakeMs: [],
        closeMs: [],
        cycleMs: [],
    };
}

;// CONCATENATED MODULE: ./src/client/protocols/raw.ts
// The raw adapter: plain WebSocket messages, no opening exchange, no keep-alive of its own.
/** Plain WebSocket: recovery sends the configured message and judges it by `expect`. */
const raw = {
    id: 'raw',
    subprotocols: [],
    opening: null,
    keepAlive: () => null,
    probe: null,
};

;// CONCATENATED MODULE: ./src/client/protocols/session.ts
// One open connection spoken through an adapter: answers keep-alives, queues the server's messages, knows when it closed.


/**
 * Wraps an open `ws`. Every wait ends at once when the connection closes: a closed connection will not answer,
 * and waiting out a timeout would misreport when the close happened.
 */
class ProtocolSession {
    ws;
    adapter;
    /** The server's close, once it arrived. */
    close = null;
    inbox = [];
    wake = null;
    origin = performance.now();
    constructor(ws, adapter) {
        this.ws = ws;
        this.adapter = adapter;
    }
    /** Starts listening on `ws` (opened by openConnection: the messages that came since it opened are read first). */
    static attach(ws, adapter) {
        const session = new ProtocolSession(ws, adapter);
        for (const early of takeEarlyMessages(ws))
            session.onMessage(early.data, early.isBinary);
        ws.on('message', session.onMessage);
        ws.once('close', session.onClose);
        // A close frame that came with the handshake response leaves the socket CLOSING: its close event, with the
        // code and reason, is still to come. Only a socket already CLOSED needs its close looked up.
        if (ws.readyState === wrapper.CLOSED) {
            const early = earlyClose(ws);
            session.close = { code: early?.code ?? 1006, reason: early?.reason ?? '', atMs: 0 };
        }
        return session;
    }
    /** Stops listening (the connection itself stays as it is). */
    detach() {
        this.ws.off('message', this.onMessage);
        this.ws.off('close', this.onClose);
        this.wake?.();
    }
    /** Milliseconds since the session was attached. */
    elapsedMs() {
        return performance.now() - this.origin;
    }
    /** Forgets queued messages: a reply that arrived before we sent anything answers nothing of ours. */
    clearInbox() {
        this.inbox.length = 0;
    }
    onMessage = (data, isBinary) => {
        const text = isBinary ? `<binary ${rawLength(data)} bytes>` : rawText(data);
        const reply = isBinary ? null : this.adapter.keepAlive(text);
        if (reply !== null) {
            if (this.ws.readyState === wrapper.OPEN)
                this.ws.send(reply);
            return;
        }
        this.inbox.push({ text, atMs: this.elapsedMs() });
        this.wake?.();
    };
    onClose = (code, reason) => {
        this.close = { code, reason: reason.toString('utf8'), atMs: this.elapsedMs() };
        this.wake?.();
    };
    /**
     * The first queued message (that `accept` takes, dropping the ones before it), waiting up to `timeoutMs`.
     * Ends early when the connection closes or `signal` aborts.
     */
    async next(timeoutMs, signal, accept = () => true) {
        const deadline = performance.now() + timeoutMs;
        for (;;) {
            while (this.inbox.length > 0) {
                const message = this.inbox.shift();
                if (accept(message.text))
                    return { kind: 'message', ...message };
            }
            if (this.close)
                return { kind: 'closed', close: this.close };
            if (signal.aborted)
                return { kind: 'aborted' };
            const remaining = deadline - performance.now();
            if (remaining <= 0)
                return { kind: 'timeout' };
            await this.sleep(remaining, signal);
        }
    }
    /** Waits `ms`, or less when the connection closes or `signal` aborts. */
    async hold(ms, signal) {
        const deadline = performance.now() + ms;
        while (!this.close && !signal.aborted) {
            const remaining = deadline - performance.now();
            if (remaining <= 0)
                return;
            await this.sleep(remaining, signal);
        }
    }
    /** On a connection that is no longer open: waits for its close event (code and reason), at most `timeoutMs`. */
    async closing(timeoutMs, signal) {
        const deadline = performance.now() + timeoutMs;
        while (!this.close && !signal.aborted) {
            const remaining = deadline - performance.now();
            if (remaining <= 0)
                return { kind: 'timeout' };
            await this.sleep(remaining, signal);
        }
        return this.close ? { kind: 'closed', close: this.close } : { kind: 'aborted' };
    }
    /** Sleeps until woken by a message or close, the timeout, or an abort. */
    sleep(ms, signal) {
        return new Promise((resolve) => {
            const done = () => {
                clearTimeout(timer);
                signal.removeEventListener('abort', done);
                this.wake = null;
                resolve();
            };
            const timer = setTimeout(done, ms);
            signal.addEventListener('abort', done, { once: true });
            this.wake = done;
        });
    }
    /** Round-trip time of one WebSocket ping, or why no pong came. */
    async ping(timeoutMs, signal) {
        if (this.ws.readyState !== wrapper.OPEN)
            return this.closing(timeoutMs, signal);
        const ws = this.ws;
        return new Promise((resolve) => {
            const start = performance.now();
            const done = (value) => {
                clearTimeout(timer);
                ws.off('pong', onPong);
                ws.off('close', onClose);
                signal.removeEventListener('abort', onAbort);
                resolve(value);
            };
            function onPong() {
                done({ kind: 'pong', rttMs: performance.now() - start });
            }
            const onClose = () => done({ kind: 'closed', close: this.close ?? { code: 1006, reason: '', atMs: this.elapsedMs() } });
            function onAbort() {
                done({ kind: 'aborted' });
            }
            const timer = setTimeout(() => done({ kind: 'timeout' }), timeoutMs);
            ws.on('pong', onPong);
            // Registered after the session's own close listener, so `this.close` is set when this one runs.
            ws.once('close', onClose);
            signal.addEventListener('abort', onAbort, { once: true });
            try {
                ws.ping();
            }
            catch {
                done({ kind: 'closed', close: this.close ?? { code: 1006, reason: '', atMs: this.elapsedMs() } });
            }
        });
    }
    /** Sends one message; resolves with why it failed, or null once it is written. Never waits past timeoutMs. */
    async send(text, timeoutMs) {
        if (this.ws.readyState !== wrapper.OPEN) {
            const end = await this.closing(timeoutMs, new AbortController().signal);
            return `the connection was already closing: ${waitEndText(end, timeoutMs)}`;
        }
        const ws = this.ws;
        return new Promise((resolve) => {
            const timer = setTimeout(() => resolve(`not written within ${timeoutMs} ms (the server stopped reading; ${ws.bufferedAmount} bytes queued)`), timeoutMs);
            ws.send(text, (err) => {
                clearTimeout(timer);
                resolve(err ? err.message : null);
            });
        });
    }
    /**
     * Runs the adapter's opening exchange: waits for the server's greeting, sends the opening message and waits
     * for its acknowledgement. Resolves with null on success, or a sentence saying what went wrong.
     */
    async open(timeoutMs, signal) {
        const opening = this.adapter.opening;
        if (!opening)
            return null;
        const name = this.adapter.id;
        if (opening.greeting) {
            const greeting = await this.next(timeoutMs, signal, opening.greeting.matches);
            if (greeting.kind !== 'message')
                return `${name}: ${opening.greeting.describe} did not arrive: ${waitEndText(greeting, timeoutMs)}`;
        }
        this.clearInbox();
        const sendError = await this.send(opening.send, timeoutMs);
        if (sendError)
            return `${name}: the opening message ${opening.send} could not be sent: ${sendError}`;
        let refusal = null;
        const ack = await this.next(timeoutMs, signal, (text) => {
            refusal = opening.refusal?.(text) ?? null;
            return refusal !== null || opening.ack.matches(text);
        });
        if (ack.kind !== 'message')
            return `${name}: ${opening.ack.describe} did not arrive after ${opening.send}: ${waitEndText(ack, timeoutMs)}`;
        if (refusal)
            return `${name}: ${refusal}`;
        return null;
    }
}
/** `code 4401 "Unauthorized"`, or `code 1005 (no reason given)`. */
function closeText(close) {
    return `code ${close.code} ${close.reason ? JSON.stringify(close.reason.slice(0, 200)) : '(no reason given)'}`;
}
/** Why a wait ended, as the end of a sentence. */
function waitEndText(end, timeoutMs) {
    switch (end.kind) {
        case 'closed':
            return `the server closed the connection (${closeText(end.close)}) at ${Math.round(end.close.atMs)} ms`;
        case 'timeout':
            return `nothing within ${timeoutMs} ms`;
        case 'aborted':
            return 'the run was stopped';
    }
}
function rawText(data) {
    if (Array.isArray(data))
        return Buffer.concat(data).toString('utf8');
    return Buffer.from(data).toString('utf8');
}
function rawLength(data) {
    if (Array.isArray(data))
        return data.reduce((n, b) => n + b.length, 0);
    return data.byteLength;
}

;// CONCATENATED MODULE: ./src/scenarios/recovery.ts
// Recovery: after the storm, one stable connection must answer pings and test messages, spoken through the server's protocol.






/** Text of an Expect as the user wrote it. */
function describeExpect(expect) {
    return expect.kind === 'regex' ? `/${expect.source}/${expect.flags}` : expect.kind;
}
/** Does `reply` answer `sent` under `expect`? */
function replyMatches(expect, sent, reply) {
    switch (expect.kind) {
        case 'none':
        case 'any':
            return true;
        case 'echo':
            return reply === sent;
        case 'regex':
            return new RegExp(expect.source, expect.flags).test(reply);
    }
}
/**
 * One connection held `holdMs`: the adapter's opening exchange, `pings` WebSocket pings, then `messages` messages.
 * Every wait ends at once when the server closes the connection; the close (code, reason, when) is in the result.
 */
async function runRecovery(spec, target, signal, adapter = raw) {
    const result = emptyRecoveryResult(spec, true);
    result.protocol = adapter.id;
    const probe = spec.messageIsDefault ? adapter.probe : null;
    if (probe)
        result.expect = `${adapter.id} answer`;
    const opened = await openConnection(target, signal);
    if (!opened.ok) {
        result.connectFailure = opened.failure;
        result.problems.push(`could not connect: ${opened.failure} (${opened.message})`);
        return result;
    }
    // Attached before any await: a protocol that speaks first (Engine.IO) sends right after the handshake.
    const session = ProtocolSession.attach(opened.ws, adapter);
    result.connected = true;
    result.handshakeMs = Math.round(opened.handshakeMs * 100) / 100;
    const waitMs = target.connectTimeoutMs;
    const stillOpen = () => session.close === null && !signal.aborted;
    /** When the last message was sent (ms after open) and its number, to say what the server's close answered. */
    let lastSent = null;
    // A user message that is itself the opening (Socket.IO's `40`, as older workflows set) opens the session: sent twice, a second `40` is
    // refused.
    const userOpens = !probe && adapter.opening !== null && spec.message === adapter.opening.send;
    const openingProblem = userOpens ? null : await session.open(waitMs, signal);
    if (openingProblem !== null && stillOpen())
        result.problems.push(openingProblem);
    const rtts = [];
    for (let i = 0; i < spec.pings && openingProblem === null && stillOpen(); i++) {
        result.pingsSent += 1;
        const pong = await session.ping(waitMs, signal);
        if (pong.kind === 'pong') {
            result.pongsReceived += 1;
            rtts.push(pong.rttMs);
        }
        else if (pong.kind === 'timeout') {
            result.problems.push(`ping ${i + 1} got no pong within ${waitMs} ms`);
        }
    }
    result.pingRttMs = summarize(rtts);
    for (let i = 0; i < spec.messages && openingProblem === null && stillOpen(); i++) {
        // Sent as given: a protocol packet (Socket.IO's `40`, a JSON command) must reach the server intact.
        const text = probe ? probe.message : spec.message;
        session.clearInbox();
        const sentAt = session.elapsedMs();
        const sendError = await session.send(text, waitMs);
        result.messagesSent += 1;
        if (sendError) {
            result.problems.push(`message ${i + 1} could not be sent: ${sendError}`);
            // A server that stopped reading takes no further message either.
            break;
        }
        lastSent = { atMs: sentAt, n: i + 1 };
        if (probe) {
            const reply = await session.next(waitMs, signal, probe.answers);
            if (reply.kind === 'message') {
                result.messagesAnswered += 1;
                const after = probe.after?.(reply.text) ?? null;
                if (after !== null && (await session.send(after, waitMs)) === null) {
                    // Socket.IO handles a namespace's disconnect on a later tick: a pong proves the server read past it before the next probe.
                    await session.ping(waitMs, signal);
                }
            }
            else if (reply.kind === 'timeout')
                result.problems.push(`message ${i + 1} (${probe.describe}) got no answer within ${waitMs} ms`);
        }
        else if (spec.expect.kind === 'none') {
            // Nothing to read back: a pong to a ping sent after the message proves the server read it and kept the connection.
            const pong = await session.ping(waitMs, signal);
            if (pong.kind === 'pong')
                result.messagesAnswered += 1;
            else if (pong.kind === 'timeout')
                result.problems.push(`message ${i + 1}: no pong to the ping sent after it within ${waitMs} ms`);
        }
        else {
            const reply = await session.next(waitMs, signal);
            if (reply.kind === 'message') {
                if (replyMatches(spec.expect, text, reply.text))
                    result.messagesAnswered += 1;
                else
                    result.problems.push(`message ${i + 1}: reply does not match expect ${result.expect}: ${reply.text.slice(0, 200)}`);
            }
            else if (reply.kind === 'timeout') {
                result.problems.push(`message ${i + 1} got no reply within ${waitMs} ms`);
            }
        }
    }
    await session.hold(spec.holdMs - session.elapsedMs(), signal);
    result.heldMs = Math.round(session.elapsedMs());
    session.detach();
    const close = session.close;
    if (close !== null) {
        result.serverClose = { ...close, atMs: Math.round(close.atMs) };
        judgeServerClose(result, close, lastSent, spec, probe === null && spec.messageIsDefault === true);
    }
    else {
        const closed = await closeConnection(opened.ws, 'clean', target.closeTimeoutMs);
        result.closedCleanly = closed.clean;
        if (!closed.clean)
            result.problems.push(`the close was not clean: ${closed.failure ?? `code ${closed.code}`}`);
    }
    if (signal.aborted)
        result.problems.push('the run was stopped during recovery');
    return result;
}
/** A problem, or (for the gate's own default text) a note that the server answered it with a deliberate close. */
function judgeServerClose(result, close, lastSent, spec, defaultText) {
    const at = Math.round(close.atMs);
    const answeredText = lastSent !== null && close.atMs >= lastSent.atMs;
    if (defaultText && answeredText && isDeliberateClose(close.code) && result.problems.length === 0) {
        result.messagesJudged = false;
        (result.notes ??= []).push(`the server closed the connection ${closedWith(close)}, ${Math.round(close.atMs - lastSent.atMs)} ms after the gate's default ` +
            `test message: it is responsive but does not take arbitrary text, so the messages were not judged; to test a real ` +
            `exchange set protocol (socket.io, graphql-ws) or message and expect`);
        return;
    }
    const when = answeredText
        ? `${Math.round(close.atMs - lastSent.atMs)} ms after message ${lastSent.n} was sent (${at} ms after it opened, of ${spec.holdMs} ms)`
        : `${at} ms after it opened, before any message was sent (hold ${spec.holdMs} ms)`;
    result.problems.push(`the server closed the connection ${closedWith(close)}, ${when}`);
}
/** `(code 4401) with reason "Unauthorized"`, or `(code 1005) without a reason`. */
function closedWith(close) {
    return `(code ${close.code}) ${close.reason ? `with reason ${JSON.stringify(close.reason.slice(0, 200))}` : 'without a reason'}`;
}
/** The result of a recovery that did not run. */
function emptyRecoveryResult(spec, enabled) {
    return {
        id: 'recovery',
        enabled,
        connected: false,
        handshakeMs: null,
        pingsSent: 0,
        pongsReceived: 0,
        pingRttMs: null,
        messagesSent: 0,
        messagesAnswered: 0,
        expect: describeExpect(spec.expect),
        heldMs: 0,
        closedCleanly: false,
        problems: [],
    };
}

;// CONCATENATED MODULE: ./src/server/server-log.ts
// Captures what the server prints: everything to a log file, the last lines in memory for the report.


const MAX_LINE_CHARS = 4096;
class ServerLog {
    path;
    keepLines;
    lines = [];
    partial = '';
    file;
    constructor(path, keepLines = 200) {
        this.path = path;
        this.keepLines = keepLines;
        (0,external_node_fs_namespaceObject.mkdirSync)((0,external_node_path_namespaceObject.dirname)(path), { recursive: true });
        // Only the user's: a server's output can hold what its snapshots would (tokens, user data).
        this.file = (0,external_node_fs_namespaceObject.createWriteStream)(path, { flags: 'w', mode: 0o600 });
        // A full disk must not crash the gate; the in-memory tail still works.
        this.file.on('error', () => { });
    }
    /** Feeds a stream of the server's output into the log. */
    attach(stream) {
        stream?.on('data', (chunk) => this.write(chunk));
    }
    write(chunk) {
        this.file.write(chunk);
        const parts = (this.partial + chunk.toString('utf8')).split(/\r?\n/);
        this.partial = parts.pop() ?? '';
        if (this.partial.length > MAX_LINE_CHARS) {
            this.push(this.partial);
            this.partial = '';
        }
        for (const line of parts)
            this.push(line);
    }
    push(line) {
        this.lines.push(line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}… [line cut]` : line);
        if (this.lines.length > this.keepLines)
            this.lines.shift();
    }
    /** The last lines printed, including an unfinished last line. */
    tail(n = this.keepLines) {
        const all = this.partial === '' ? this.lines : [...this.lines, this.partial];
        return all.slice(-n);
    }
    /** Flushes and closes the file. */
    close() {
        return new Promise((resolve) => this.file.end(resolve));
    }
}

;// CONCATENATED MODULE: ./src/server/server-process.ts
// The launched server: the one place that spawns it, watches it exit, and tears its whole tree down.





/**
 * How the command is spawned on `platform`. POSIX: through /bin/sh, in its own process group (detached), so one
 * signal reaches the shell and everything it started. Windows: through cmd.exe (shell: true), and not detached:
 * Windows has no process groups, and a detached child would get a console window of its own.
 */
function spawnOptionsFor(platform) {
    return { shell: true, detached: platform !== 'win32', windowsHide: true };
}
/**
 * What ending the tree takes on `platform`. POSIX: the signal to the root's process group, then to every pid of
 * the tree, for descendants that left the group (setsid, daemons). Windows has neither signals nor groups
 * (process.kill(-pid) is invalid there, and any signal is TerminateProcess): one `taskkill /T /F` for the root
 * and every live pid of the tree, /T for their descendants, /F because console programs ignore the polite
 * request, so SIGTERM and SIGKILL are the same there and shutdown-grace-s does not apply.
 */
function killPlan(platform, rootPid, pids, signal) {
    const others = [...new Set(pids)].filter((pid) => pid !== rootPid);
    if (platform === 'win32') {
        return [{ kind: 'taskkill', args: ['/T', '/F', ...[rootPid, ...others].flatMap((pid) => ['/PID', String(pid)])] }];
    }
    return [{ kind: 'signal', pid: -rootPid, signal }, ...[rootPid, ...others].map((pid) => ({ kind: 'signal', pid, signal }))];
}
class ServerProcess {
    child;
    log;
    pid;
    /**
     * Every pid ever seen in the tree with its start time, so teardown can prove that none survived, and never signals
     * or reports a pid that the system has since given to an unrelated process (null: the platform cannot tell).
     */
    seen = new Map();
    /** Resolves when the root process exits, for whatever reason. */
    exited;
    exitInfo = null;
    stopping = false;
    constructor(child, log, pid) {
        this.child = child;
        this.log = log;
        this.pid = pid;
        this.remember(pid);
        this.exited = new Promise((resolve) => {
            child.once('exit', (code, signal) => {
                this.exitInfo = { code, signal };
                resolve(this.exitInfo);
            });
        });
        log.attach(child.stdout);
        log.attach(child.stderr);
    }
    /** Starts the command through a shell in its own process group, output captured to the log. */
    static async launch(options) {
        const log = new ServerLog(options.logPath);
        const child = (0,external_node_child_process_namespaceObject.spawn)(options.command, {
            ...spawnOptionsFor(process.platform),
            cwd: options.cwd,
            env: { ...process.env, ...options.env },
            stdio: ['ignore', 'pipe', 'pipe'],
        });
        const pid = await new Promise((resolve, reject) => {
            child.once('spawn', () => resolve(child.pid));
            child.once('error', (err) => reject(new Error(`could not start server-command in '${options.cwd}': ${err.message}`)));
        }).catch(async (err) => {
            await log.close();
            throw err;
        });
        return new ServerProcess(child, log, pid);
    }
    /** Exit status once the root has exited; null while it runs (tests and the benchmark poll it). */
    get exit() {
        return this.exitInfo;
    }
    /** Every pid seen in the tree so far. */
    get pidsSeen() {
        return new Set(this.seen.keys());
    }
    /** True once stop() began: an exit after that is ours, not a crash. */
    get isStopping() {
        return this.stopping;
    }
    /** The tree as it is now (root first), remembered in pidsSeen. */
    async tree() {
        const pids = this.exitInfo ? await this.orphansOfGroup() : await listTree(this.pid);
        for (const pid of pids)
            this.remember(pid);
        return pids;
    }
    /** Set by stop() when SIGTERM did not end the tree within the grace: its own shutdown did not finish. */
    killedAfterGrace = false;
    /**
     * SIGTERM the process group and every known pid, wait up to `graceMs`, then SIGKILL what is left.
     * Returns the pids of the tree still alive afterwards (empty on success).
     */
    async stop(graceMs) {
        this.stopping = true;
        await this.tree();
        await this.signalAll('SIGTERM');
        if (!(await this.waitAllDead(graceMs))) {
            this.killedAfterGrace = true;
            await this.tree();
            await this.signalAll('SIGKILL');
            await this.waitAllDead(2000);
        }
        this.child.stdout?.destroy();
        this.child.stderr?.destroy();
        await this.log.close();
        return this.survivors();
    }
    /** Pids of the tree that are still alive and still the processes we saw (not a pid reused since). */
    async survivors() {
        const alive = [];
        for (const [pid, started] of this.seen) {
            if (!(await isAlive(pid)))
                continue;
            if (isSameProcess(started, startTimeOf(pid)))
                alive.push(pid);
        }
        return alive;
    }
    remember(pid) {
        if (!this.seen.has(pid))
            this.seen.set(pid, startTimeOf(pid));
    }
    /** Carries out the kill plan for the tree; waits for taskkill to finish, so the wait for the dead starts after it. */
    async signalAll(signal) {
        // Only pids that are still ours: a pid seen earlier may belong to an unrelated process by now.
        const pids = await this.survivors();
        // The group goes on while any member lives (its id cannot be reused until then), also one never listed in the
        // tree: the server a start script put in the background and left when it exited. Without members or pids,
        // there is nothing of ours left to signal.
        if (pids.length === 0 && !groupExists(this.pid))
            return;
        for (const step of killPlan(process.platform, this.pid, pids, signal)) {
            if (step.kind === 'taskkill') {
                // It exits non-zero when one of the pids is gone already; the wait that follows judges the outcome.
                await new Promise((resolve) => (0,external_node_child_process_namespaceObject.execFile)('taskkill', step.args, { windowsHide: true, timeout: 10_000 }, () => resolve()));
                continue;
            }
            try {
                process.kill(step.pid, step.signal);
            }
            catch {
                // Already gone.
            }
        }
    }
    async waitAllDead(timeoutMs) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
            if ((await this.survivors()).length === 0 && this.exitInfo && !groupExists(this.pid))
                return true;
            if (Date.now() >= deadline)
                return false;
            await (0,external_node_timers_promises_namespaceObject.setTimeout)(25);
        }
    }
    /** After the root died, its orphans are re-parented; the known pids still alive are the tree. */
    async orphansOfGroup() {
        const alive = await this.survivors();
        const all = new Set();
        for (const pid of alive)
            for (const p of await listTree(pid))
                all.add(p);
        return [...all];
    }
}
/**
 * Is the process now at a pid the one recorded earlier? Start times differ when the pid was reused; where the
 * platform cannot tell (null on either side) a live pid counts as the same.
 */
function isSameProcess(recorded, now) {
    return recorded === null || now === null || recorded === now;
}
/**
 * True while a process group with this id has a living member (POSIX); false on Windows, which has no groups.
 * On Linux a zombie does not count: a member whose parent died is reaped by init, which in some containers
 * takes a second or two, and waiting for that would only lengthen teardown.
 */
function groupExists(groupId, platform = process.platform) {
    if (platform === 'win32')
        return false;
    try {
        process.kill(-groupId, 0);
    }
    catch (err) {
        if (err.code !== 'EPERM')
            return false;
    }
    return platform === 'linux' ? groupHasLivingMember(groupId) : true;
}
/** Scans /proc for a process of the group that is not a zombie (or dead). */
function groupHasLivingMember(groupId) {
    let entries;
    try {
        entries = (0,external_node_fs_namespaceObject.readdirSync)('/proc');
    }
    catch {
        return true;
    }
    for (const entry of entries) {
        if (!/^\d+$/.test(entry))
            continue;
        let stat;
        try {
            stat = (0,external_node_fs_namespaceObject.readFileSync)(`/proc/${entry}/stat`, 'utf8');
        }
        catch {
            continue; // gone meanwhile
        }
        // After the command name in parentheses: state, ppid, pgrp, ...
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(fields[2]) === groupId && fields[0] !== 'Z' && fields[0] !== 'X')
            return true;
    }
    return false;
}

;// CONCATENATED MODULE: ./src/server/handle.ts
// The server a run measures, launched or attached, behind one interface: its pid, its tree, and how it ends.


/** A server the gate started: the process tree is its to end. */
class LaunchedServer {
    process;
    mode = 'launch';
    constructor(process) {
        this.process = process;
    }
    /** Spawns the command (see ServerProcess.launch). */
    static async launch(options) {
        return new LaunchedServer(await ServerProcess.launch(options));
    }
    get pid() {
        return this.process.pid;
    }
    get logPath() {
        return this.process.log.path;
    }
    tree() {
        return this.process.tree();
    }
    pidsSeen() {
        return [...this.process.pidsSeen];
    }
    onUnexpectedExit(listener) {
        const child = this.process;
        void child.exited.then((exit) => {
            if (!child.isStopping)
                listener(exit);
        });
    }
    stop(graceMs) {
        return this.process.stop(graceMs);
    }
    get killedAfterGrace() {
        return this.process.killedAfterGrace;
    }
    logTail() {
        return this.process.log.tail();
    }
}
/** A server that was running before the gate and keeps running after it. */
class AttachedServer {
    pid;
    mode = 'attach';
    logPath = null;
    killedAfterGrace = false;
    seen = new Set();
    constructor(pid) {
        this.pid = pid;
    }
    async tree() {
        if (this.pid === null)
            return [];
        const pids = await listTree(this.pid);
        // Re-listed on every call: a server that forks per connection shows new children all run long.
        for (const pid of pids)
            this.seen.add(pid);
        return pids;
    }
    pidsSeen() {
        return [...this.seen];
    }
    onUnexpectedExit() {
        // Not our child: its exit shows up as a tree that is empty, and as failed connections.
    }
    async stop() {
        return [];
    }
    logTail() {
        return [];
    }
}

;// CONCATENATED MODULE: ./src/phases/context.ts
// One run's shared state: the clock, the stop, the server, the measurements so far. Every phase reads and fills it.






/** Thrown inside a phase to end the run early with a reason; the runner catches it. */
class StopRun extends Error {
    info;
    constructor(info) {
        super(info.message);
        this.info = info;
    }
}
/** The idle window the baseline needs: at least 500 ms and three samples. */
function baselineWindowMs(sampleIntervalMs) {
    return Math.max(500, 3 * sampleIntervalMs);
}
class RunContext {
    config;
    origin = performance.now();
    startedAt = new Date().toISOString();
    /** Aborts everything in flight when the run stops; connections listen to it. */
    signal;
    controller = new AbortController();
    stopInfo = null;
    current = 'startup';
    phases = [];
    progress;
    launcher;
    serverLogPath;
    server = null;
    /** Where and how every connection of the run connects; set once the server accepted a handshake. */
    target = null;
    /** Settles when the protocol is known and `target` offers its subprotocol; the scenarios wait for it. */
    protocolSettled = Promise.resolve();
    sampler = null;
    exactSignals = null;
    serverInfo;
    results;
    /** The proxy that injects the network faults in front of the server; null without any. */
    network = null;
    /** Where the gate's own probing (heap snapshots) made the server allocate: left out of the memory figures. */
    probeWindows = [];
    /** Heap snapshots of a launched Node server; null when none are taken. */
    heap = null;
    constructor(config, options = {}) {
        this.config = config;
        this.progress = options.progress ?? (() => { });
        this.launcher = options.launcher ?? ((launch) => LaunchedServer.launch(launch));
        this.serverLogPath = options.serverLogPath ?? config.server.logPath ?? 'server.log';
        this.signal = this.controller.signal;
        // Every connection in flight listens to this one signal: hundreds of clients are by design, not a leak.
        (0,external_node_events_namespaceObject.setMaxListeners)(0, this.signal);
        const launching = config.server.command !== null;
        this.serverInfo = {
            mode: launching ? 'launch' : 'attach',
            command: config.server.command,
            url: config.client.url,
            pid: config.server.pid,
            pidSource: config.server.pid !== null ? 'server-pid' : null,
            readyAfterMs: null,
            exit: null,
            logPath: null,
            logTail: [],
            pidsSeen: [],
            processes: [],
            survivors: [],
        };
        const enabled = (id) => config.scenarios.includes(id);
        this.results = {
            flapping: emptyLoadResult(loadSpecOf(config, 'flapping'), enabled('flapping')),
            leak: emptyLoadResult(loadSpecOf(config, 'leak'), enabled('leak')),
            recovery: emptyRecoveryResult(config.recovery, enabled('recovery')),
            hostile: hostileNotRun(enabled('hostile'), enabled('hostile') ? 'the run stopped before the hostile scenario' : 'not selected'),
            heap: null,
            faults: { network: null, deadPeers: null, slowConsumer: null },
            trendPoints: [],
        };
    }
    /** Milliseconds since the run started. */
    elapsed() {
        return Math.round(performance.now() - this.origin);
    }
    get phase() {
        return this.current;
    }
    get stopped() {
        return this.stopInfo;
    }
    /** Ends the run early; the first reason wins, later ones (teardown noise) are ignored. */
    stop(reason, message) {
        if (this.stopInfo)
            return;
        this.stopInfo = { phase: this.current, reason, message };
        this.controller.abort(new StopRun(this.stopInfo));
    }
    /** Records a stop that a phase threw, unless an earlier one was recorded. */
    recordStop(info) {
        if (!this.stopInfo)
            this.stopInfo = info;
        if (!this.controller.signal.aborted)
            this.controller.abort(new StopRun(info));
    }
    throwIfStopped() {
        if (this.stopInfo)
            throw new StopRun(this.stopInfo);
    }
    /** Closes the current phase's span and opens the next one. */
    enter(name, line) {
        this.close();
        this.phases.push({ name, startMs: this.elapsed(), endMs: this.elapsed() });
        this.current = name;
        if (line)
            this.progress(`▶ ${name}: ${line}`);
    }
    /** Closes the last phase's span (the run is over). */
    close() {
        const last = this.phases.at(-1);
        if (last)
            last.endMs = this.elapsed();
    }
    /** Waits ms unless the run stops meanwhile; never throws (the runner checks the stop after each phase). */
    async idle(ms) {
        await (0,external_node_timers_promises_namespaceObject.setTimeout)(ms, undefined, { signal: this.signal }).catch(() => undefined);
    }
    /** The server itself, not the fault proxy in front of it: for scenarios that bring their own proxy. */
    serverTarget() {
        return this.directTarget ?? this.requireTarget();
    }
    /** The target before the network faults' proxy was put in front; null without one. */
    directTarget = null;
    /** The target; only phases after startup may ask for it. */
    requireTarget() {
        if (!this.target)
            throw new Error(`phase ${this.current} needs the server's target, which startup sets`);
        return this.target;
    }
    /** RSS the probes have added so far (subtracted from the trend's readings as they are taken). */
    probeOverhead() {
        return this.probeWindows.reduce((sum, w) => sum + w.bytes, 0);
    }
    /** Everything measured so far, for the report. */
    measurements() {
        return { server: this.serverInfo, stopped: this.stopInfo, phases: this.phases, ...this.results };
    }
}

;// CONCATENATED MODULE: ./src/probe/heap-graph.ts
// The graph a .heapsnapshot file describes, as the reader stores it (typed arrays), and the node types whose names
// are their contents. Shared by the reader (heap-reader.ts), the aggregation (heap-classes.ts) and the retainer
// paths (heap-paths.ts).
/**
 * A number equal for nodes of the same class, to sum per class without building strings: the type alone for
 * grouped types (a million distinct strings are one class: a key per name would cost a Map entry each), else
 * name index and type. `grouped[t]` is 1 for a grouped type index.
 */
function classPairKey(type, name, types, grouped) {
    return grouped[type] === 1 ? -1 - type : name * types + type;
}
/** 1 at each index of `nodeTypes` that GROUPED_TYPES names. */
function groupedTypeFlags(nodeTypes) {
    const grouped = new Uint8Array(nodeTypes.length);
    nodeTypes.forEach((t, k) => (grouped[k] = GROUPED_TYPES[t] === undefined ? 0 : 1));
    return grouped;
}
/** True when node's id was above the reader's `newerThan`; every node counts as newer when none was given. */
function isNewer(graph, node) {
    return graph.newer === null || ((graph.newer[node >>> 5] >>> (node & 31)) & 1) === 1;
}
// Node types whose names are contents, not classes (a string's text, a regexp's source): one class each.
const GROUPED_TYPES = {
    string: '(string)',
    'concatenated string': '(string)',
    'sliced string': '(string)',
    number: '(number)',
    regexp: '(regexp)',
    bigint: '(bigint)',
    symbol: '(symbol)',
};

;// CONCATENATED MODULE: ./src/probe/heap-classes.ts
// Aggregates a heap graph per (node type, class name): counts and self sizes, with compiled code and feedback
// vectors left out (they grow with JIT warm-up, not with connections).

/**
 * Left out of the aggregation and of the heap total: V8's `code` node type (bytecode, scope infos, feedback
 * metadata and cells, shared function infos, constant pools, compiled code), `synthetic` nodes (the roots, no
 * size), and these names whatever their type, as V8 types some of them `hidden` (and older versions `array`):
 * feedback vectors and cells, `(compiled code)`, `system / Code` and its wrappers, bytecode arrays, and the
 * trusted-space metadata of functions (SharedFunctionInfoWrapper, ProtectedFixedArray, Trusted*, deoptimization
 * and uncompiled data), and weak lists (WeakArrayList holds nothing alive). All of them grow with JIT warm-up,
 * not with connections: on Node 24 a clean ws server gains one SharedFunctionInfoWrapper and one
 * ProtectedFixedArray per connection for its first ~60 connections, then a few per hundred.
 */
const EXCLUDED_SYSTEM = [
    'Code',
    'CodeWrapper',
    'CodeDataContainer',
    'InstructionStream',
    'BytecodeArray',
    'BytecodeWrapper',
    'Feedback\\w*',
    'ClosureFeedbackCellArray',
    'SharedFunctionInfo\\w*',
    'ProtectedFixedArray',
    'Trusted\\w*',
    'InterpreterData',
    'DeoptimizationData\\w*',
    'UncompiledData\\w*',
    'PreparseData',
    'ScopeInfo',
    'WeakArrayList',
];
const EXCLUDED_PARENTHESIZED = [
    'compiled code',
    'code',
    'code relocation info',
    'feedback vector',
    'feedback metadata',
    'shared function info',
];
const EXCLUDED_NAMES = new RegExp(`^(system / (${EXCLUDED_SYSTEM.join('|')})|\\((${EXCLUDED_PARENTHESIZED.join('|')})\\))$`);
/** True for a node the aggregation leaves out (see EXCLUDED_NAMES). */
function isExcludedNode(type, name) {
    return type === 'code' || type === 'synthetic' || EXCLUDED_NAMES.test(name);
}
/** The class a node is counted under: its constructor or native type, or its type's group. */
function className(type, name) {
    const grouped = GROUPED_TYPES[type];
    if (grouped !== undefined)
        return grouped;
    if (type === 'array' && name === '')
        return '(array)';
    if (type === 'closure' && name === '')
        return '(anonymous)';
    return name;
}
/** The class pair key of each node (classPairKey), for memos per class. */
function classPairKeys(graph) {
    const types = graph.nodeTypes.length;
    const grouped = groupedTypeFlags(graph.nodeTypes);
    return (node) => classPairKey(graph.nodeType[node], graph.nodeName[node], types, grouped);
}
/** Count and self size per (node type, class name), excluded nodes left out: the reader's sums per class pair, named. */
function aggregateHeap(graph) {
    const { nodeTypes, strings, pairs } = graph;
    const slotByGroup = new Map();
    const classes = [];
    let totalBytes = 0;
    let excludedBytes = 0;
    for (let p = 0; p < pairs.node.length; p++) {
        const node = pairs.node[p];
        const type = nodeTypes[graph.nodeType[node]] ?? 'unknown';
        const name = strings[graph.nodeName[node]] ?? '';
        const bytes = pairs.bytes[p];
        if (isExcludedNode(type, name)) {
            excludedBytes += bytes;
            continue;
        }
        const cls = className(type, name);
        const key = `${type}\u0000${cls}`;
        let slot = slotByGroup.get(key);
        if (slot === undefined) {
            slot = classes.length;
            classes.push({ nodeType: type, name: cls, count: 0, selfSize: 0 });
            slotByGroup.set(key, slot);
        }
        classes[slot].count += pairs.count[p];
        classes[slot].selfSize += bytes;
        totalBytes += bytes;
    }
    return { classes, totalBytes, excludedBytes, nodeCount: graph.nodeCount, maxNodeId: graph.maxObjectId };
}
/** A node's aggregation key: `${node type}\u0000${class name}`, as HeapClassStat rows are told apart. */
function nodeClassKey(graph, node) {
    const type = graph.nodeTypes[graph.nodeType[node]] ?? 'unknown';
    return `${type}\u0000${className(type, graph.strings[graph.nodeName[node]] ?? '')}`;
}

;// CONCATENATED MODULE: ./src/probe/heap-paths.ts
// Retainer paths in a heap graph: the shortest way from a GC root to an instance of a class, in the edge names
// people read (property, context variable, Map entry).

/** How a node reads in a path: its class, closures as `name()`, synthetic roots by their name. */
function nodeLabel(graph, node) {
    const type = graph.nodeTypes[graph.nodeType[node]] ?? 'unknown';
    const name = graph.strings[graph.nodeName[node]] ?? '';
    if (type === 'closure')
        return `${name || '(anonymous)'}()`;
    return className(type, name);
}
/** An edge's name: the string for named edges ('' for an index-like internal name, not kept), the index for elements and hidden edges. */
function edgeName(graph, edge) {
    const kind = graph.edgeTypes[graph.edgeType[edge]];
    const v = graph.edgeNameOrIndex[edge];
    return kind === 'element' || kind === 'hidden' ? String(v) : (graph.strings[v] ?? '');
}
/** Edge kinds a retainer path may follow: weak edges do not retain; hidden ones have no name a reader knows. */
const PATH_EDGE_KINDS = new Set(['context', 'element', 'property', 'internal', 'shortcut']);
/** Synthetic roots a path does not start from, as they hold objects only while the snapshot is written (see retainerPaths). */
const TRANSIENT_ROOTS = new Set(['(Handle scope)', '(Stack roots)']);
/**
 * The shortest path of named, non-weak edges from the synthetic root (through `(GC roots)`) to a node for which
 * `predicate` holds, by breadth-first search; null when none is reachable. The root itself is not a step.
 */
function retainerPath(graph, predicate) {
    return retainerPaths(graph, (node) => (predicate(node) ? 0 : -1), 1)[0] ?? null;
}
const MAX_CANDIDATES = 5000;
const SIGNATURE_DEPTH = 4;
/**
 * Paths to several targets in one breadth-first search: `classify` maps a node to a target index in
 * 0 .. targets - 1 (or -1). One pass over the graph however many suspects there are.
 */
function retainerPaths(graph, classify, targets, options = {}) {
    const n = graph.nodeCount;
    const common = options.pick === 'common';
    const found = Array.from({ length: targets }, () => []);
    if (n === 0 || targets === 0)
        return found.map(() => null);
    const followed = new Uint8Array(graph.edgeTypes.length);
    graph.edgeTypes.forEach((kind, k) => (followed[k] = PATH_EDGE_KINDS.has(kind) ? 1 : 0));
    // parentEdge[i]: the edge that first reached node i, or UNSEEN / NO_PARENT (the root, transient roots). The
    // node an edge leaves is found from firstEdge when a path is built: 8 bytes a node for the whole search.
    const parentEdge = new Uint32Array(n).fill(UNSEEN);
    const queue = new Uint32Array(n);
    let head = 0;
    let tail = 0;
    let left = targets;
    queue[tail++] = 0;
    parentEdge[0] = NO_PARENT;
    // Handles that C++ code holds while the snapshot is taken keep an object for that moment only, and so does the
    // stack: Node writes the snapshot from a JS signal listener, whose frames reach process._events and every
    // listener in it. The synthetic roots come first in a snapshot.
    const synthetic = graph.nodeTypes.indexOf('synthetic');
    for (let node = 1; node < n && graph.nodeType[node] === synthetic; node++) {
        if (TRANSIENT_ROOTS.has(graph.strings[graph.nodeName[node]] ?? ''))
            parentEdge[node] = NO_PARENT;
    }
    while (head < tail && (common || left > 0)) {
        const node = queue[head++];
        if (node !== 0) {
            const target = classify(node);
            if (target >= 0 && target < targets) {
                const list = found[target];
                if (list.length === 0)
                    left--;
                if (list.length < (common ? MAX_CANDIDATES : 1))
                    list.push(node);
            }
        }
        const end = graph.firstEdge[node + 1];
        for (let e = graph.firstEdge[node]; e < end; e++) {
            if (followed[graph.edgeType[e]] === 0)
                continue;
            const to = graph.edgeTo[e];
            if (parentEdge[to] !== UNSEEN)
                continue;
            parentEdge[to] = e;
            queue[tail++] = to;
        }
    }
    return found.map((list) => {
        if (list.length === 0)
            return null;
        const chosen = common ? mostCommon(graph, list, parentEdge) : list[0];
        return pathTo(graph, chosen, parentEdge);
    });
}
const UNSEEN = 0xffffffff;
const NO_PARENT = 0xfffffffe;
/** The node whose edges include edge `e`: the last node whose first edge is at or before it. */
function edgeOwner(graph, e) {
    const first = graph.firstEdge;
    let lo = 0;
    let hi = graph.nodeCount - 1;
    while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if (first[mid] <= e)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}
/** The first (nearest a root) of the candidates whose retainer signature is the most frequent. */
function mostCommon(graph, candidates, parentEdge) {
    const tally = new Map();
    for (const node of candidates) {
        const parts = [];
        for (let at = node, k = 0; parentEdge[at] !== NO_PARENT && k < SIGNATURE_DEPTH; k++) {
            const e = parentEdge[at];
            const kind = graph.edgeTypes[graph.edgeType[e]];
            at = edgeOwner(graph, e);
            parts.push(`${nodeClassKey(graph, at)}|${kind}:${kind === 'element' ? '' : edgeName(graph, e)}`);
        }
        const key = parts.join('<');
        const entry = tally.get(key);
        if (entry)
            entry.count++;
        else
            tally.set(key, { count: 1, first: node });
    }
    let best = { count: 0, first: candidates[0] };
    for (const entry of tally.values())
        if (entry.count > best.count)
            best = entry;
    return best.first;
}
function pathTo(graph, target, parentEdge) {
    const steps = [];
    for (let node = target; parentEdge[node] !== NO_PARENT;) {
        const e = parentEdge[node];
        const from = edgeOwner(graph, e);
        const kind = (graph.edgeTypes[graph.edgeType[e]] ?? 'internal');
        const step = { edge: edgeName(graph, e), kind, node: nodeLabel(graph, node) };
        if (kind === 'context') {
            const script = contextScript(graph, from);
            if (script)
                step.context = script;
        }
        steps.push(step);
        node = from;
    }
    return steps.reverse();
}
/** The first edge of `node` named `name` (named kinds only); -1 when there is none. */
function namedEdge(graph, node, names) {
    const end = graph.firstEdge[node + 1];
    for (let e = graph.firstEdge[node]; e < end; e++) {
        const kind = graph.edgeTypes[graph.edgeType[e]];
        if (kind === 'element' || kind === 'hidden')
            continue;
        if (names.includes(graph.strings[graph.edgeNameOrIndex[e]] ?? ''))
            return e;
    }
    return -1;
}
/**
 * The file name of the script that owns a context: a closure whose `context` edge points at it, then that
 * closure's shared function info, then its script. One pass over the closures; null when none is found.
 */
function contextScript(graph, contextNode) {
    const closureType = graph.nodeTypes.indexOf('closure');
    for (let i = 0; i < graph.nodeCount; i++) {
        if (graph.nodeType[i] !== closureType)
            continue;
        const c = namedEdge(graph, i, ['context']);
        if (c === -1 || graph.edgeTo[c] !== contextNode)
            continue;
        const shared = namedEdge(graph, i, ['shared']);
        if (shared === -1)
            continue;
        const script = namedEdge(graph, graph.edgeTo[shared], ['script', 'script_or_debug_info']);
        if (script === -1)
            continue;
        const name = graph.strings[graph.nodeName[graph.edgeTo[script]]] ?? '';
        if (name === '')
            continue;
        return name.split(/[\\/]/).filter(Boolean).pop() ?? name;
    }
    return null;
}

;// CONCATENATED MODULE: ./src/probe/heap-reader.ts
// Reads V8 .heapsnapshot files as a stream into typed arrays (the text is never held whole: real heaps reach
// hundreds of MB). What the graph means is read by heap-classes.ts (per class) and heap-paths.ts (retainers).


/** The file ended before the snapshot did: V8 is probably still writing it. */
class IncompleteSnapshotError extends Error {
    constructor(what) {
        super(`heap snapshot incomplete: ${what}`);
        this.name = 'IncompleteSnapshotError';
    }
}
const MODE_TOP = 0; // between top-level keys
const MODE_KEY = 1; // inside a top-level key
const MODE_COLON = 2; // after a key, before its value
const MODE_SCAN = 3; // inside a value that is captured (snapshot) or skipped (trace_tree, locations, ...)
const MODE_INTS_OPEN = 4; // before the '[' of nodes or edges
const MODE_INTS = 5;
const MODE_STRINGS_OPEN = 6; // before the '[' of strings
const MODE_STRINGS = 7; // between strings
const MODE_STRING = 8; // inside one string of the string table
const MODE_DONE = 9;
const MODE_START = 10; // before the opening '{'
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const ZERO = 0x30;
const NINE = 0x39;
/**
 * A push parser for the documented .heapsnapshot layout: `snapshot` (meta and counts) is captured and JSON-parsed,
 * `nodes` and `edges` are tokenized straight into typed arrays, `strings` one string at a time, and every other
 * section (trace_function_infos, trace_tree, samples, locations) is skipped without being kept.
 */
class HeapSnapshotParser {
    options;
    mode = MODE_START;
    key = '';
    section = '';
    // MODE_SCAN
    depth = 0;
    inString = false;
    escaped = false;
    capture = null;
    // MODE_INTS
    value = 0;
    inNumber = false;
    fieldIndex = 0;
    row = 0;
    // MODE_STRING
    token = [];
    tokenEscaped = false;
    meta = null;
    graph = null;
    // MODE_INTS in nodes: the current row's id and self size, summed into graph.pairs at its end.
    rowId = 0;
    rowSize = 0;
    groupedType = new Uint8Array(0);
    objectType = new Uint8Array(0);
    nodeFieldCount = 0;
    edgeFieldCount = 0;
    nodeFieldSlot = new Int8Array(0);
    edgeFieldSlot = new Int8Array(0);
    seen = new Set();
    /** 1 for each string index a class, edge or script name uses; null (all needed) when strings come first. */
    neededStrings = null;
    /** `newerThan`: mark the nodes whose id is above it (graph.newer), as instances allocated since that snapshot. */
    constructor(options = {}) {
        this.options = options;
    }
    /** Feeds the next chunk of the file. */
    write(chunk) {
        const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        let i = 0;
        const n = buf.length;
        while (i < n) {
            switch (this.mode) {
                case MODE_START:
                    i = this.skipSpace(buf, i);
                    if (i < n) {
                        if (buf[i] !== OPEN_BRACE)
                            throw new Error('not a heap snapshot: it does not start with an object');
                        this.mode = MODE_TOP;
                        i++;
                    }
                    break;
                case MODE_TOP:
                    i = this.top(buf, i);
                    break;
                case MODE_KEY: {
                    const end = buf.indexOf(QUOTE, i);
                    if (end === -1) {
                        this.key += buf.toString('latin1', i, n);
                        i = n;
                    }
                    else {
                        this.key += buf.toString('latin1', i, end);
                        this.mode = MODE_COLON;
                        i = end + 1;
                    }
                    break;
                }
                case MODE_COLON:
                    i = this.skipSpace(buf, i);
                    if (i < n) {
                        if (buf[i] !== COLON)
                            throw new Error(`not a heap snapshot: no ':' after "${this.key}"`);
                        i++;
                        this.startValue();
                    }
                    break;
                case MODE_SCAN:
                    i = this.scan(buf, i);
                    break;
                case MODE_INTS_OPEN:
                case MODE_STRINGS_OPEN:
                    i = this.skipSpace(buf, i);
                    if (i < n) {
                        if (buf[i] !== OPEN_BRACKET)
                            throw new Error(`not a heap snapshot: "${this.section}" is not an array`);
                        this.mode = this.mode === MODE_INTS_OPEN ? MODE_INTS : MODE_STRINGS;
                        i++;
                    }
                    break;
                case MODE_INTS:
                    i = this.section === 'nodes' ? this.nodes(buf, i) : this.edges(buf, i);
                    break;
                case MODE_STRINGS:
                    i = this.betweenStrings(buf, i);
                    break;
                case MODE_STRING:
                    i = this.inToken(buf, i);
                    break;
                case MODE_DONE:
                    i = this.skipSpace(buf, i);
                    if (i < n)
                        throw new Error('not a heap snapshot: text after the closing brace');
                    break;
            }
        }
    }
    /** The graph, once the whole file was written; throws IncompleteSnapshotError when it ended early. */
    end() {
        if (this.mode !== MODE_DONE)
            throw new IncompleteSnapshotError(`the file ends inside "${this.section || this.key || 'the start'}"`);
        for (const needed of ['snapshot', 'nodes', 'edges', 'strings']) {
            if (!this.seen.has(needed))
                throw new Error(`not a heap snapshot: no "${needed}" section`);
        }
        const graph = this.graph;
        if (graph.stringCount === 0)
            throw new Error('not a heap snapshot: an empty string table');
        return graph;
    }
    skipSpace(buf, i) {
        while (i < buf.length && (buf[i] === 0x20 || buf[i] === 0x0a || buf[i] === 0x0d || buf[i] === 0x09))
            i++;
        return i;
    }
    top(buf, i) {
        for (; i < buf.length; i++) {
            const c = buf[i];
            if (c === QUOTE) {
                this.key = '';
                this.mode = MODE_KEY;
                return i + 1;
            }
            if (c === CLOSE_BRACE) {
                this.mode = MODE_DONE;
                return i + 1;
            }
        }
        return i;
    }
    startValue() {
        const key = this.key;
        this.section = key;
        this.seen.add(key);
        if ((key === 'nodes' || key === 'edges' || key === 'strings') && !this.meta) {
            throw new Error(`not a heap snapshot: "${key}" before "snapshot"`);
        }
        if (key === 'nodes' || key === 'edges') {
            this.fieldIndex = 0;
            this.row = 0;
            this.inNumber = false;
            this.value = 0;
            this.mode = MODE_INTS_OPEN;
        }
        else if (key === 'strings') {
            this.neededStrings = this.seen.has('nodes') && this.seen.has('edges') ? neededStrings(this.graph) : null;
            this.mode = MODE_STRINGS_OPEN;
        }
        else {
            this.depth = 0;
            this.inString = false;
            this.escaped = false;
            this.capture = key === 'snapshot' ? [] : null;
            this.mode = MODE_SCAN;
        }
    }
    /** A JSON value of any shape, followed to its end; kept only for `snapshot`. */
    scan(buf, i) {
        const start = i;
        const n = buf.length;
        for (; i < n; i++) {
            const c = buf[i];
            if (this.inString) {
                if (this.escaped)
                    this.escaped = false;
                else if (c === BACKSLASH)
                    this.escaped = true;
                else if (c === QUOTE)
                    this.inString = false;
                continue;
            }
            if (c === QUOTE)
                this.inString = true;
            else if (c === OPEN_BRACE || c === OPEN_BRACKET)
                this.depth++;
            else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
                this.depth--;
                if (this.depth === 0) {
                    this.capture?.push(Buffer.from(buf.subarray(start, i + 1)));
                    this.finishScan();
                    return i + 1;
                }
            }
            else if (this.depth === 0 && (c === 0x2c || c === CLOSE_BRACE)) {
                // A scalar value at the top level ends at the next separator, which belongs to the top level.
                this.capture?.push(Buffer.from(buf.subarray(start, i)));
                this.finishScan();
                return i;
            }
        }
        this.capture?.push(Buffer.from(buf.subarray(start, n)));
        return n;
    }
    finishScan() {
        if (this.capture)
            this.readMeta(Buffer.concat(this.capture).toString('utf8'));
        this.capture = null;
        this.mode = MODE_TOP;
    }
    readMeta(text) {
        const snapshot = JSON.parse(text);
        const m = snapshot.meta;
        const nodeTypes = m?.node_types?.[0];
        const edgeTypes = m?.edge_types?.[0];
        if (!m?.node_fields || !m.edge_fields || !Array.isArray(nodeTypes) || !Array.isArray(edgeTypes)) {
            throw new Error('not a heap snapshot: no field lists in snapshot.meta');
        }
        if (typeof snapshot.node_count !== 'number' || typeof snapshot.edge_count !== 'number') {
            throw new Error('not a heap snapshot: no node_count / edge_count');
        }
        const meta = {
            nodeFields: m.node_fields,
            edgeFields: m.edge_fields,
            nodeTypes: nodeTypes,
            edgeTypes: edgeTypes,
            nodeCount: snapshot.node_count,
            edgeCount: snapshot.edge_count,
        };
        const slots = (fields, wanted) => {
            const slot = new Int8Array(fields.length).fill(-1);
            wanted.forEach((name, k) => {
                const at = fields.indexOf(name);
                if (at === -1)
                    throw new Error(`not a heap snapshot: no "${name}" field`);
                slot[at] = k;
            });
            return slot;
        };
        this.nodeFieldSlot = slots(meta.nodeFields, ['type', 'name', 'id', 'self_size', 'edge_count']);
        this.edgeFieldSlot = slots(meta.edgeFields, ['type', 'name_or_index', 'to_node']);
        this.nodeFieldCount = meta.nodeFields.length;
        this.edgeFieldCount = meta.edgeFields.length;
        if (meta.nodeTypes.length > 255 || meta.edgeTypes.length > 255)
            throw new Error('heap snapshot: more node or edge types than fit a byte');
        this.meta = meta;
        this.groupedType = groupedTypeFlags(meta.nodeTypes);
        this.objectType = new Uint8Array(meta.nodeTypes.map((t) => (t === 'object' || t === 'closure' || t === 'array' ? 1 : 0)));
        const newerThan = this.options.newerThan ?? null;
        this.graph = {
            nodeCount: meta.nodeCount,
            edgeCount: meta.edgeCount,
            nodeTypes: meta.nodeTypes,
            edgeTypes: meta.edgeTypes,
            strings: [],
            stringCount: 0,
            nodeType: new Uint8Array(meta.nodeCount),
            nodeName: new Uint32Array(meta.nodeCount),
            pairs: { slot: new Map(), node: [], count: [], bytes: [] },
            maxObjectId: 0,
            newer: newerThan === null ? null : new Uint32Array(Math.ceil(meta.nodeCount / 32)),
            firstEdge: new Uint32Array(meta.nodeCount + 1),
            edgeType: new Uint8Array(meta.edgeCount),
            edgeNameOrIndex: new Uint32Array(meta.edgeCount),
            edgeTo: new Uint32Array(meta.edgeCount),
        };
    }
    // The two integer loops dominate the reading time: one byte at a time, no allocation.
    nodes(buf, i) {
        const g = this.graph;
        const slot = this.nodeFieldSlot;
        const fields = this.nodeFieldCount;
        const n = buf.length;
        let value = this.value;
        let inNumber = this.inNumber;
        let field = this.fieldIndex;
        let row = this.row;
        let rowId = this.rowId;
        let rowSize = this.rowSize;
        for (; i < n; i++) {
            const c = buf[i];
            if (c >= ZERO && c <= NINE) {
                value = value * 10 + (c - ZERO);
                inNumber = true;
                continue;
            }
            if (inNumber) {
                if (row >= g.nodeCount)
                    throw new Error(`heap snapshot: more nodes than node_count ${g.nodeCount}`);
                switch (slot[field]) {
                    case 0:
                        g.nodeType[row] = value;
                        break;
                    case 1:
                        g.nodeName[row] = value;
                        break;
                    case 2:
                        rowId = value;
                        break;
                    case 3:
                        rowSize = value;
                        break;
                    case 4:
                        g.firstEdge[row + 1] = value;
                        break;
                }
                if (++field === fields) {
                    this.endNodeRow(row, rowId, rowSize);
                    field = 0;
                    row++;
                }
                value = 0;
                inNumber = false;
            }
            if (c === CLOSE_BRACKET) {
                if (row !== g.nodeCount || field !== 0)
                    throw new Error(`heap snapshot: ${row} nodes, node_count says ${g.nodeCount}`);
                const first = g.firstEdge;
                for (let k = 1; k <= g.nodeCount; k++)
                    first[k] = first[k] + first[k - 1];
                if (first[g.nodeCount] !== g.edgeCount)
                    throw new Error(`heap snapshot: nodes own ${first[g.nodeCount]} edges, edge_count says ${g.edgeCount}`);
                this.mode = MODE_TOP;
                this.inNumber = false;
                this.value = 0;
                return i + 1;
            }
        }
        this.value = value;
        this.inNumber = inNumber;
        this.fieldIndex = field;
        this.row = row;
        this.rowId = rowId;
        this.rowSize = rowSize;
        return n;
    }
    /** Sums a node's self size into its class pair and notes its id: neither is kept per node. */
    endNodeRow(row, id, size) {
        const g = this.graph;
        const type = g.nodeType[row];
        const key = classPairKey(type, g.nodeName[row], g.nodeTypes.length, this.groupedType);
        const pairs = g.pairs;
        let slot = pairs.slot.get(key);
        if (slot === undefined) {
            slot = pairs.node.length;
            pairs.slot.set(key, slot);
            pairs.node.push(row);
            pairs.count.push(0);
            pairs.bytes.push(0);
        }
        pairs.count[slot] += 1;
        pairs.bytes[slot] += size;
        if (this.objectType[type] === 1 && id > g.maxObjectId)
            g.maxObjectId = id;
        if (g.newer !== null && id > this.options.newerThan)
            g.newer[row >>> 5] |= 1 << (row & 31);
    }
    edges(buf, i) {
        const g = this.graph;
        const slot = this.edgeFieldSlot;
        const fields = this.edgeFieldCount;
        const nodeFields = this.nodeFieldCount;
        const n = buf.length;
        let value = this.value;
        let inNumber = this.inNumber;
        let field = this.fieldIndex;
        let row = this.row;
        for (; i < n; i++) {
            const c = buf[i];
            if (c >= ZERO && c <= NINE) {
                value = value * 10 + (c - ZERO);
                inNumber = true;
                continue;
            }
            if (inNumber) {
                if (row >= g.edgeCount)
                    throw new Error(`heap snapshot: more edges than edge_count ${g.edgeCount}`);
                switch (slot[field]) {
                    case 0:
                        g.edgeType[row] = value;
                        break;
                    case 1:
                        g.edgeNameOrIndex[row] = value;
                        break;
                    case 2:
                        if (value % nodeFields !== 0 || value / nodeFields >= g.nodeCount)
                            throw new Error(`heap snapshot: edge ${row} points at no node (${value})`);
                        g.edgeTo[row] = value / nodeFields;
                        break;
                }
                if (++field === fields) {
                    field = 0;
                    row++;
                }
                value = 0;
                inNumber = false;
            }
            if (c === CLOSE_BRACKET) {
                if (row !== g.edgeCount || field !== 0)
                    throw new Error(`heap snapshot: ${row} edges, edge_count says ${g.edgeCount}`);
                this.mode = MODE_TOP;
                this.inNumber = false;
                this.value = 0;
                return i + 1;
            }
        }
        this.value = value;
        this.inNumber = inNumber;
        this.fieldIndex = field;
        this.row = row;
        return n;
    }
    betweenStrings(buf, i) {
        for (; i < buf.length; i++) {
            const c = buf[i];
            if (c === QUOTE) {
                this.token = [];
                this.tokenEscaped = false;
                this.escaped = false;
                this.mode = MODE_STRING;
                return i + 1;
            }
            if (c === CLOSE_BRACKET) {
                this.mode = MODE_TOP;
                return i + 1;
            }
        }
        return i;
    }
    inToken(buf, i) {
        const start = i;
        const n = buf.length;
        for (; i < n; i++) {
            const c = buf[i];
            if (this.escaped) {
                this.escaped = false;
            }
            else if (c === BACKSLASH) {
                this.escaped = true;
                this.tokenEscaped = true;
            }
            else if (c === QUOTE) {
                const graph = this.graph;
                const index = graph.stringCount++;
                const need = this.neededStrings === null ? STRING_KEEP : (this.neededStrings[index] ?? STRING_SKIP);
                const part = buf.subarray(start, i);
                if (need === STRING_KEEP || (need === STRING_KEEP_UNLESS_INDEX && !allDigits(this.token, part))) {
                    const bytes = this.token.length === 0 ? part : Buffer.concat([...this.token, part]);
                    const text = bytes.toString('utf8');
                    graph.strings[index] = this.tokenEscaped ? JSON.parse(`"${text}"`) : text;
                }
                this.token = [];
                this.mode = MODE_STRINGS;
                return i + 1;
            }
        }
        // A string that goes on in the next chunk: copied, since the stream may reuse its buffer.
        if (this.neededStrings === null || (this.neededStrings[this.graph.stringCount] ?? STRING_SKIP) !== STRING_SKIP)
            this.token.push(Buffer.from(buf.subarray(start, n)));
        return n;
    }
}
/** neededStrings values: not kept; kept; kept unless all digits (the name of an internal edge only). */
const STRING_SKIP = 0;
const STRING_KEEP = 1;
const STRING_KEEP_UNLESS_INDEX = 2;
/**
 * Which strings the graph uses as names: of nodes of every type but strings, numbers, regexps, bigints and
 * symbols (their names are their contents, counted as one class each), and of named edges. The others (source
 * texts, every string value on the heap: most of the table in a real app) are read as '' without being kept.
 * Internal edges of a large array are named by their index ("0" ... "290000"): a name used only by internal
 * edges is kept unless it is all digits, which says nothing in a path.
 */
function neededStrings(graph) {
    const groupedType = groupedTypeFlags(graph.nodeTypes);
    let max = 0;
    for (let i = 0; i < graph.nodeCount; i++)
        if (graph.nodeName[i] > max)
            max = graph.nodeName[i];
    for (let e = 0; e < graph.edgeCount; e++)
        if (graph.edgeNameOrIndex[e] > max)
            max = graph.edgeNameOrIndex[e];
    const needed = new Uint8Array(max + 1);
    const edgeNeed = new Uint8Array(graph.edgeTypes.length);
    graph.edgeTypes.forEach((t, k) => (edgeNeed[k] = t === 'element' || t === 'hidden' ? STRING_SKIP : t === 'internal' ? STRING_KEEP_UNLESS_INDEX : STRING_KEEP));
    for (let e = 0; e < graph.edgeCount; e++) {
        const need = edgeNeed[graph.edgeType[e]];
        const at = graph.edgeNameOrIndex[e];
        if (need > STRING_SKIP && needed[at] !== STRING_KEEP)
            needed[at] = need;
    }
    for (let i = 0; i < graph.nodeCount; i++)
        if (groupedType[graph.nodeType[i]] === 0)
            needed[graph.nodeName[i]] = STRING_KEEP;
    needed[0] = STRING_KEEP;
    return needed;
}
/** True when a string token (its earlier chunks and its last) is all ASCII digits, and not empty. */
function allDigits(parts, last) {
    const digits = (part) => {
        for (let i = 0; i < part.length; i++)
            if (part[i] < ZERO || part[i] > NINE)
                return false;
        return true;
    };
    return parts.every(digits) && digits(last) && parts.reduce((n, p) => n + p.length, last.length) > 0;
}
/** Parses a whole snapshot held in memory (tests, small files). */
function parseHeapSnapshot(text, options = {}) {
    const parser = new HeapSnapshotParser(options);
    parser.write(typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
    return parser.end();
}
/** Streams a .heapsnapshot file into a HeapGraph, 1 MB at a time. */
async function readHeapSnapshot(path, options = {}) {
    const parser = new HeapSnapshotParser({ newerThan: options.newerThan ?? null });
    // One buffer, reused: a stream's fresh chunk per MB would leave hundreds of MB of garbage for the GC to find
    // on a large file, all of it counted in the peak RSS. The parser copies what it keeps.
    const buffer = Buffer.allocUnsafe(1 << 20);
    const file = await (0,promises_namespaceObject.open)(path, 'r');
    try {
        for (;;) {
            options.signal?.throwIfAborted();
            const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
            if (bytesRead === 0)
                break;
            parser.write(buffer.subarray(0, bytesRead));
        }
    }
    finally {
        await file.close();
    }
    return parser.end();
}

;// CONCATENATED MODULE: ./src/probe/heap-snapshot.ts
// Takes V8 heap snapshots of a running Node server: the NODE_OPTIONS that install the snapshot signal, which pid
// to signal, waiting for a complete file, reading and deleting it; the last graph stays for retainer paths.











/**
 * The signal Node is told to snapshot on. SIGUSR1 starts the inspector; SIGUSR2 is free, and kills a process
 * that has no handler for it: a pid is signalled only once its environment or argv shows the handler.
 */
const SNAPSHOT_SIGNAL = 'SIGUSR2';
/** How often the directory is looked at while V8 writes (each poll waited is latency added to a run). */
const POLL_MS = 15;
/** A snapshot that could not be taken or read; the message says why, for HeapEvidence.reason. */
class HeapSnapshotError extends Error {
    constructor(message) {
        super(message);
        this.name = 'HeapSnapshotError';
    }
}
/** Quotes a value for NODE_OPTIONS, which splits on spaces and honours double quotes with backslash escapes. */
function quoteNodeOption(value) {
    return /[\s"\\]/.test(value) ? `"${value.replace(/(["\\])/g, '\\$1')}"` : value;
}
/** NODE_OPTIONS for the server: the user's own first, then the snapshot signal and the directory (last one wins). */
function snapshotNodeOptions(dir, existing) {
    const ours = `--heapsnapshot-signal=${SNAPSHOT_SIGNAL} --diagnostic-dir=${quoteNodeOption(dir)}`;
    return existing && existing.trim() !== '' ? `${existing.trim()} ${ours}` : ours;
}
/** A file name made of a label: letters, digits, dot, dash and underscore. */
function fileLabel(label) {
    return label.replace(/[^\w.-]+/g, '_').slice(0, 80) || 'snapshot';
}
/**
 * Owns one private directory for a run's snapshots. Create it before launching the server (its NODE_OPTIONS
 * name the directory), take snapshots at phase boundaries (never while a scenario runs: a snapshot pauses the
 * server for seconds), attach retainer paths at the end, dispose always:
 *
 *   const heap = await HeapSnapshotter.create({ keepDir: cfg.keepDir, maxRssBytes: cfg.maxRssBytes });
 *   try {
 *     launch with env NODE_OPTIONS = heap.nodeOptions(userEnv.NODE_OPTIONS ?? process.env.NODE_OPTIONS)
 *     const target = await findSnapshotTarget(await server.tree(), port, heap.dir); // once, after readiness
 *     snapshots.push(await heap.take(target.pid, 'after-warmup', { connections, timeoutMs, signal }));
 *     ... 'after-round-N' after each leak round, 'after-cooldown' ...
 *     evidence = heap.attachRetainerPaths(diffHeap(snapshots, options));
 *   } finally { await heap.dispose(); }
 */
class HeapSnapshotter {
    dir;
    keep;
    maxRssBytes;
    graph = null;
    firstMaxNodeId = null;
    disposed = false;
    constructor(
    /** Where V8 writes the snapshots. */
    dir, keep, maxRssBytes) {
        this.dir = dir;
        this.keep = keep;
        this.maxRssBytes = maxRssBytes;
    }
    /** Makes the directory: a fresh 0700 one under RUNNER_TEMP or the OS temp dir, or keepDir (created 0700 if missing). */
    static async create(options) {
        if (options.keepDir) {
            const dir = (0,external_node_path_namespaceObject.resolve)(options.keepDir);
            await (0,promises_namespaceObject.mkdir)(dir, { recursive: true, mode: 0o700 });
            return new HeapSnapshotter(dir, true, options.maxRssBytes);
        }
        const root = options.tmpRoot ?? (process.env.RUNNER_TEMP || (0,external_node_os_namespaceObject.tmpdir)());
        const dir = await (0,promises_namespaceObject.mkdtemp)((0,external_node_path_namespaceObject.join)(root, 'ws-gate-heap-'));
        // mkdtemp makes it 0700 on POSIX already; said again for a umask or platform that differs.
        await (0,promises_namespaceObject.chmod)(dir, 0o700).catch(() => undefined);
        return new HeapSnapshotter(dir, false, options.maxRssBytes);
    }
    /** The NODE_OPTIONS value to launch the server with, keeping `existing` (the user's own). */
    nodeOptions(existing = process.env.NODE_OPTIONS) {
        return snapshotNodeOptions(this.dir, existing);
    }
    /**
     * Signals `pid`, waits until its snapshot file is complete, reads it, deletes it (unless kept) and returns the
     * summary and per-class counts. The graph is kept for retainer paths until the next take (only the last one
     * is needed). Throws HeapSnapshotError (RSS above the cap, the process gone, timeout) or an AbortError.
     */
    async take(pid, label, options) {
        if (this.disposed)
            throw new HeapSnapshotError('heap snapshotter already disposed');
        const rss = await rssBytes(pid);
        if (rss !== null && rss > this.maxRssBytes) {
            throw new HeapSnapshotError(`pid ${pid} uses ${(rss / 1048576).toFixed(0)} MB RSS, above heap-snapshot-max-mb ${(this.maxRssBytes / 1048576).toFixed(0)}: ` +
                `no heap snapshot taken (writing one pauses the server and can double its memory)`);
        }
        const before = new Set(await this.snapshotFiles());
        this.graph = null; // the previous graph is not needed any more: free it before reading the next
        const started = performance.now();
        try {
            process.kill(pid, SNAPSHOT_SIGNAL);
        }
        catch (err) {
            throw new HeapSnapshotError(`could not signal pid ${pid} for a heap snapshot: ${err.message}`);
        }
        const { path, graph, fileBytes, readMs, snapshotMs } = await this.waitForSnapshot(pid, before, started, options);
        try {
            const readStarted = performance.now();
            const aggregate = aggregateHeap(graph);
            this.graph = graph;
            this.firstMaxNodeId ??= aggregate.maxNodeId;
            return {
                summary: {
                    label,
                    connections: options.connections,
                    heapBytes: aggregate.totalBytes,
                    nodeCount: aggregate.nodeCount,
                    snapshotMs: Math.round(snapshotMs),
                    readMs: Math.round(readMs + performance.now() - readStarted),
                    fileBytes,
                },
                classes: aggregate.classes,
            };
        }
        finally {
            if (this.keep)
                await (0,promises_namespaceObject.rename)(path, (0,external_node_path_namespaceObject.join)(this.dir, `${fileLabel(label)}.heapsnapshot`)).catch(() => undefined);
        }
    }
    /** `.heapsnapshot` files in the directory now. */
    async snapshotFiles() {
        return (await (0,promises_namespaceObject.readdir)(this.dir).catch(() => [])).filter((f) => f.endsWith('.heapsnapshot'));
    }
    /**
     * Polls for a new file. It is read once its size held still for one poll and it ends like a snapshot (`]}`):
     * reading a file V8 is still writing would time the writer, not the reader. The reader itself is the proof of
     * completeness (the top-level closing brace appears only at the very end): a read that meets the end of a file
     * still being written just waits for the next poll. The file is deleted right after reading.
     */
    async waitForSnapshot(pid, before, started, options) {
        const deadline = started + options.timeoutMs;
        let lastSize = -1;
        for (;;) {
            const name = (await this.snapshotFiles()).find((f) => !before.has(f));
            if (name) {
                const path = (0,external_node_path_namespaceObject.join)(this.dir, name);
                const size = (await (0,promises_namespaceObject.stat)(path).catch(() => null))?.size ?? -1;
                if (size > 0 && size === lastSize && (await endsLikeSnapshot(path, size))) {
                    const snapshotMs = performance.now() - started;
                    const readStarted = performance.now();
                    try {
                        // Instances newer than the first snapshot are marked, for the retainer paths of the last one.
                        const graph = await readHeapSnapshot(path, { signal: options.signal, newerThan: this.firstMaxNodeId });
                        const readMs = performance.now() - readStarted;
                        const fileBytes = (await (0,promises_namespaceObject.stat)(path).catch(() => null))?.size ?? size;
                        if (!this.keep)
                            await (0,promises_namespaceObject.rm)(path, { force: true });
                        return { path, graph, fileBytes, readMs, snapshotMs };
                    }
                    catch (err) {
                        if (!(err instanceof IncompleteSnapshotError)) {
                            if (!this.keep)
                                await (0,promises_namespaceObject.rm)(path, { force: true });
                            throw err instanceof Error && err.name === 'AbortError'
                                ? err
                                : new HeapSnapshotError(`heap snapshot of pid ${pid} unreadable: ${err.message}`);
                        }
                    }
                }
                lastSize = size;
            }
            if (!(await isAlive(pid)))
                throw new HeapSnapshotError(`pid ${pid} exited while writing its heap snapshot`);
            if (performance.now() >= deadline) {
                throw new HeapSnapshotError(`no complete heap snapshot from pid ${pid} within ${Math.round(options.timeoutMs / 1000)} s (heap-snapshot-timeout-s)`);
            }
            await (0,external_node_timers_promises_namespaceObject.setTimeout)(POLL_MS, undefined, { signal: options.signal });
        }
    }
    /**
     * The evidence with a retainer path on each suspect (and the same rows among topGrowth), from the last
     * snapshot's graph: to an instance allocated after the first snapshot where one is reachable, else to any,
     * retained the way most of them are; then ranked nearest a root first (rankSuspects). One breadth-first
     * search, however many suspects. Drops the graph afterwards.
     */
    attachRetainerPaths(evidence) {
        const graph = this.graph;
        this.graph = null;
        if (!graph || evidence.suspects.length === 0)
            return evidence;
        const index = new Map(evidence.suspects.map((s, i) => [`${s.nodeType}\u0000${s.name}`, i]));
        const memo = new Map();
        const pairKey = classPairKeys(graph);
        const targetOf = (node) => {
            const pair = pairKey(node);
            let target = memo.get(pair);
            if (target === undefined) {
                target = index.get(nodeClassKey(graph, node)) ?? -1;
                memo.set(pair, target);
            }
            return target;
        };
        const paths = retainerPaths(graph, (node) => (isNewer(graph, node) ? targetOf(node) : -1), evidence.suspects.length, {
            pick: 'common',
        });
        if (paths.some((p) => p === null)) {
            const any = retainerPaths(graph, targetOf, evidence.suspects.length, { pick: 'common' });
            any.forEach((p, i) => (paths[i] ??= p));
        }
        const withPath = (row) => {
            const i = index.get(`${row.nodeType}\u0000${row.name}`);
            return i === undefined ? row : { ...row, retainerPath: paths[i] ?? null };
        };
        return rankSuspects({ ...evidence, suspects: evidence.suspects.map(withPath), topGrowth: evidence.topGrowth.map(withPath) });
    }
    /** Drops the kept graph (memory) without disposing the directory. */
    releaseGraph() {
        this.graph = null;
    }
    /** Removes the private directory and everything in it (a kept directory stays). Safe to call twice. */
    async dispose() {
        this.graph = null;
        if (this.disposed)
            return;
        this.disposed = true;
        if (!this.keep)
            await (0,promises_namespaceObject.rm)(this.dir, { recursive: true, force: true });
    }
}
/** True when the last bytes of the file are the end of a snapshot: the strings array and the object closed. */
async function endsLikeSnapshot(path, size) {
    const file = await (0,promises_namespaceObject.open)(path, 'r').catch(() => null);
    if (!file)
        return false;
    try {
        const tail = Buffer.alloc(Math.min(size, 64));
        await file.read(tail, 0, tail.length, size - tail.length);
        return /\]\s*\}\s*$/.test(tail.toString('latin1'));
    }
    finally {
        await file.close();
    }
}
/** Resident set size of one pid from /proc (Linux); null where it cannot be read. */
async function rssBytes(pid) {
    const status = await (0,promises_namespaceObject.readFile)(`/proc/${pid}/status`, 'utf8').catch(() => '');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb === undefined ? null : Number(kb) * 1024;
}
/** True for the Node binary's usual names: node, nodejs, node20, node-24 ... */
function isNodeExecutable(exe) {
    return /^(node|nodejs)([-_]?\d+(\.\d+)*)?(\.exe)?$/i.test((0,external_node_path_namespaceObject.basename)(exe));
}
/**
 * The last value of a Node option in an options string (`--name=value`, `--name value`, quoted or not), or
 * null. Later occurrences win, as they do for Node.
 */
function lastNodeOption(text, name) {
    const re = new RegExp(`(?:^|\\s)${name.replace(/[-]/g, '\\-')}(?:=|\\s+)("((?:[^"\\\\]|\\\\.)*)"|(\\S+))`, 'g');
    let value = null;
    for (let m = re.exec(text); m; m = re.exec(text))
        value = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? null);
    return value;
}
/** True when argv or NODE_OPTIONS install the snapshot signal and send snapshots to `dir`. */
function snapshotReady(argv, nodeOptions, dir) {
    const text = `${nodeOptions} ${argv.map((a) => quoteNodeOption(a)).join(' ')}`;
    return lastNodeOption(text, '--heapsnapshot-signal') === SNAPSHOT_SIGNAL && lastNodeOption(text, '--diagnostic-dir') === dir;
}
/** The pid to snapshot, or why there is none (pure). */
function chooseSnapshotTarget(tree, portOwner, facts) {
    const byPid = new Map(facts.map((f) => [f.pid, f]));
    if (portOwner !== null && tree.includes(portOwner)) {
        const owner = byPid.get(portOwner);
        if (!owner || !isNodeExecutable(owner.exe)) {
            return { pid: null, reason: `the process listening on the port (pid ${portOwner}, ${owner?.exe || 'unknown'}) is not Node` };
        }
        if (!owner.snapshotReady) {
            return { pid: null, reason: `the Node process listening on the port (pid ${portOwner}) did not get the snapshot NODE_OPTIONS` };
        }
        return { pid: portOwner };
    }
    const ready = facts.filter((f) => tree.includes(f.pid) && isNodeExecutable(f.exe) && f.snapshotReady);
    if (ready.length === 1)
        return { pid: ready[0].pid };
    if (ready.length === 0)
        return { pid: null, reason: 'no Node process of the server tree has the snapshot signal installed' };
    return {
        pid: null,
        reason: `the port's owner is unknown and ${ready.length} Node processes could be the server (${ready.map((f) => f.pid).join(', ')})`,
    };
}
/** Reads ProcessFacts of one pid from /proc (Linux); null when the process is gone. */
async function readProcessFacts(pid, dir) {
    const cmdline = await (0,promises_namespaceObject.readFile)(`/proc/${pid}/cmdline`, 'utf8').catch(() => null);
    if (cmdline === null)
        return null;
    const argv = cmdline.split('\0').filter((a) => a !== '');
    const exe = (0,external_node_path_namespaceObject.basename)(await (0,promises_namespaceObject.readlink)(`/proc/${pid}/exe`).catch(() => argv[0] ?? ''));
    // Another user's environ is unreadable: then only argv can show the options.
    const environ = await (0,promises_namespaceObject.readFile)(`/proc/${pid}/environ`, 'utf8').catch(() => '');
    const nodeOptions = environ
        .split('\0')
        .find((e) => e.startsWith('NODE_OPTIONS='))
        ?.slice('NODE_OPTIONS='.length) ?? '';
    return { pid, exe, snapshotReady: snapshotReady(argv.slice(1), nodeOptions, dir) };
}
/**
 * Which pid of the server tree to signal: the Node process that owns the listening `port` (never a shell or
 * npm wrapper: SIGUSR2 would kill it), else the one Node process of the tree with the signal installed. Linux
 * only: elsewhere the signal's handler cannot be confirmed, and signalling a process without it kills it.
 */
async function findSnapshotTarget(tree, port, dir, platform = process.platform) {
    if (platform !== 'linux')
        return { pid: null, reason: `heap snapshots need /proc (Linux) to confirm the signal handler; not on ${platform}` };
    const owner = port === null ? null : await findPortOwner(port, platform);
    const facts = (await Promise.all(tree.map((pid) => readProcessFacts(pid, dir)))).filter((f) => f !== null);
    return chooseSnapshotTarget(tree, owner, facts);
}

;// CONCATENATED MODULE: ./src/phases/heap.ts
// Heap evidence across the phases: snapshots of a launched Node server at the boundaries where no client is
// connected (after warm-up, between leak rounds, after cooldown), and the evidence read from them at the end.






/**
 * Node's own bounded pools, which grow with the connections open at once, not with the connections made: the HTTP
 * server keeps up to 1,000 parsers of finished upgrades in a free list (50 concurrent clients left +47).
 */
const NODE_POOLS = ['HTTPParser'];
/** How long a snapshot waits for the connections of the rounds before it to be closed on the server's side. */
const QUIET_MS = 2000;
/**
 * Before launch: a private directory and the NODE_OPTIONS that make the server write a snapshot on SIGUSR2.
 * Returns the environment to launch with (the user's NODE_OPTIONS kept first).
 */
async function prepareHeap(run, env) {
    const { heap } = run.config;
    if (!heap.enabled || run.config.server.command === null)
        return env;
    const snapshotter = await HeapSnapshotter.create({ keepDir: heap.keepDir, maxRssBytes: heap.maxRssBytes });
    run.heap = { snapshotter, pid: null, snapshots: [], stopped: 'the server has not started' };
    if (heap.keepDir) {
        run.progress(`⚠ heap snapshots are kept in ${snapshotter.dir}: they hold the server's memory (tokens, user data); never upload them`);
    }
    return { ...env, NODE_OPTIONS: snapshotter.nodeOptions(env.NODE_OPTIONS ?? process.env.NODE_OPTIONS) };
}
/** After readiness: the Node process that owns the port is the one to signal; anything else means no evidence. */
async function findHeapTarget(run) {
    const heap = run.heap;
    if (!heap || !run.server)
        return;
    const found = await findSnapshotTarget(await run.server.tree(), portOf(run.serverInfo.url), heap.snapshotter.dir);
    heap.pid = found.pid;
    heap.stopped = found.pid === null ? found.reason : null;
}
/** Takes one snapshot once the server holds no client connection; a failure ends heap evidence, not the run. */
async function heapSnapshot(run, label, connections) {
    const heap = run.heap;
    if (!heap || heap.pid === null || heap.stopped !== null || run.stopped)
        return;
    await untilQuiet(run);
    const before = await run.sampler?.sampleOnce();
    try {
        const data = await heap.snapshotter.take(heap.pid, label, { connections, timeoutMs: run.config.heap.timeoutMs, signal: run.signal });
        heap.snapshots.push(data);
        // Writing a snapshot makes the server allocate, and it keeps that RSS: measured here, left out of growth.
        const after = await run.sampler?.sampleOnce();
        if (before && after)
            run.probeWindows.push({ fromMs: before.tMs, toMs: after.tMs, bytes: Math.max(0, after.rssBytes - before.rssBytes) });
    }
    catch (err) {
        if (run.stopped)
            return;
        heap.stopped = err.message;
        run.progress(`⚠ heap evidence stopped: ${heap.stopped}; the memory verdict falls back to RSS`);
    }
}
/** The evidence from the snapshots taken, retainer paths attached; the snapshots' directory removed. Every path. */
async function finishHeap(run) {
    const limit = run.config.limits.maxRetainedPerConnection.value;
    const heap = run.heap;
    if (!run.config.heap.enabled)
        return heapEvidenceWithout('off', 'heap-snapshots is off', limit);
    if (!heap) {
        const why = run.config.server.command === null
            ? 'attach mode: the gate did not start the server (start it with the flags in docs/leak-judging.md for heap evidence)'
            : 'the server never started';
        return heapEvidenceWithout('n/a', why, limit);
    }
    try {
        if (heap.pid === null)
            return heapEvidenceWithout('n/a', heap.stopped ?? 'no Node process owns the port', limit);
        const ignore = [...NODE_POOLS, ...run.config.heap.ignore];
        // The snapshots end after cooldown: only the leak scenario's clients were open at once before then.
        const maxConcurrent = run.config.scenarios.includes('leak') ? run.config.leak.clients : 1;
        const options = { maxRetainedPerConnection: limit, minInstances: HEAP_DIFF_DEFAULTS.minInstances, ignore, maxConcurrent };
        const evidence = heap.snapshotter.attachRetainerPaths(diffHeap(heap.snapshots, options));
        if (heap.stopped !== null && evidence.status !== 'measured')
            return { ...evidence, status: 'skipped', reason: heap.stopped };
        return heap.stopped === null ? evidence : { ...evidence, notes: [...evidence.notes, `stopped early: ${heap.stopped}`] };
    }
    finally {
        await heap.snapshotter.dispose();
    }
}
/** Waits (bounded) until no connection on the server's port is ESTABLISHED or CLOSE_WAIT: a snapshot counts them. */
async function untilQuiet(run) {
    const server = run.server;
    if (!server)
        return;
    const port = portOf(run.serverInfo.url);
    const deadline = performance.now() + QUIET_MS;
    while (performance.now() < deadline && !run.stopped) {
        const { lingeringConnections } = await readSignals(await server.tree(), port);
        if (!lingeringConnections)
            return;
        await (0,external_node_timers_promises_namespaceObject.setTimeout)(25);
    }
}

;// CONCATENATED MODULE: ./src/net/reset-ledger.ts
// Which connections the fault proxy reset on purpose, by the gate client's local port, until the client asks:
// one flag per port in shared memory, so a proxy on a worker thread and the clients on the gate's thread read
// the same ledger without a round trip.
const PORTS = 65536;
class ResetLedger {
    buffer;
    flags;
    /** A fresh ledger, or one over the memory of another (the proxy thread's, handed over as `buffer`). */
    constructor(buffer = new SharedArrayBuffer(PORTS)) {
        this.buffer = buffer;
        this.flags = new Uint8Array(buffer);
    }
    /** The proxy is about to reset this port's connection: noted before the RST goes out, so the client finds it. */
    mark(port) {
        if (inRange(port))
            Atomics.store(this.flags, port, 1);
    }
    /** A port seen again belongs to a new connection: an old reset nobody asked about is not this one's. */
    clear(port) {
        if (inRange(port))
            Atomics.store(this.flags, port, 0);
    }
    /** True (once) when this port's connection was reset on purpose. */
    take(port) {
        return inRange(port) && Atomics.exchange(this.flags, port, 0) === 1;
    }
}
function inRange(port) {
    return Number.isInteger(port) && port > 0 && port < PORTS;
}

;// CONCATENATED MODULE: ./src/net/target.ts
// Where the proxy relays to, and the client target that reaches the server through it.

/** The server's address for the proxy: the loopback address readiness pinned, else the URL's host. */
function upstreamOf(target) {
    const url = new URL(target.url);
    const host = target.pinned?.address ?? url.hostname.replace(/^\[|\]$/g, '');
    const port = url.port !== '' ? Number(url.port) : url.protocol === 'wss:' ? 443 : 80;
    return { host, port };
}
/**
 * The target through a proxy on 127.0.0.1:`proxyPort`. A host name stays in the URL (TLS checks the certificate
 * and sends SNI for it, the Host header names it) and is pinned to 127.0.0.1; an IP literal becomes 127.0.0.1.
 */
function proxiedTarget(target, proxy) {
    const url = new URL(target.url);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    url.port = String(proxy.port);
    const { pinned: _pinned, ...rest } = target;
    if ((0,external_node_net_namespaceObject.isIP)(host) !== 0) {
        url.hostname = '127.0.0.1';
        return { ...rest, url: url.toString() };
    }
    return { ...rest, url: url.toString(), pinned: { address: '127.0.0.1', family: 4 } };
}

;// CONCATENATED MODULE: ./src/net/proxy.ts
// The fault proxy: a loopback TCP relay between the gate's clients and the server, with a chain of toxics on
// each direction and per-connection control (silence, pause, reset) for the fault scenarios.





const DEFAULT_HIGH_WATER = 1024 * 1024;
const proxy_now = () => performance.now();
const proxy_ignore = () => { };
/** One direction of a pair: source socket -> blackhole control -> toxics -> destination socket, with backpressure. */
class Pipe {
    direction;
    source;
    destination;
    highWater;
    /** The per-connection silence switch, first in the chain so nothing enters the toxics once it is on. */
    hole;
    stages = [];
    pauses = new Set();
    /** Bytes read from the source. */
    bytesIn = 0;
    /** Bytes written to the destination. */
    bytesOut = 0;
    /** The destination refused more (write returned false) and has not drained since. */
    backedUp = false;
    /** The source's FIN reached the destination. */
    ended = false;
    constructor(direction, source, destination, toxics, context, highWater) {
        this.direction = direction;
        this.source = source;
        this.destination = destination;
        this.highWater = highWater;
        const terminal = { write: this.toDestination, end: this.endDestination };
        let next = terminal;
        for (const spec of [...toxics].reverse()) {
            const stage = TOXICS[spec.toxic].create(spec.params, next, context);
            this.stages.unshift(stage);
            next = stage;
        }
        const first = next;
        const watched = {
            write: (chunk) => {
                first.write(chunk);
                if (this.heldBytes() > this.highWater)
                    this.pause('chain-full');
            },
            end: () => first.end(),
        };
        this.hole = new BlackholeStage(watched, null);
        source.on('data', this.onData);
        source.on('end', this.onEnd);
        destination.on('drain', this.onDrain);
    }
    /** Stops reading the source for `reason`; it is read again once every reason is gone. */
    pause(reason) {
        this.pauses.add(reason);
        this.source.pause();
    }
    /** Drops `reason`; reads the source again when no other reason holds it. */
    resume(reason) {
        this.pauses.delete(reason);
        if (this.pauses.size === 0 && !this.source.destroyed)
            this.source.resume();
    }
    /** Paused on purpose (FaultProxy.pause), whatever the backpressure does. */
    get userPaused() {
        return this.pauses.has('user');
    }
    /** Clears the toxics' timers and unhooks the sockets (called once both sockets closed). */
    destroy() {
        this.hole.destroy();
        for (const stage of this.stages)
            stage.destroy();
        this.source.off('data', this.onData);
        this.source.off('end', this.onEnd);
        this.destination.off('drain', this.onDrain);
    }
    onData = (chunk) => {
        this.bytesIn += chunk.length;
        this.hole.write(chunk);
    };
    onEnd = () => {
        this.hole.end();
    };
    onDrain = () => {
        this.backedUp = false;
        this.resume('destination-full');
    };
    /** Bytes the toxics hold back (bytes a toxic dropped are not held). */
    heldBytes() {
        let sum = 0;
        for (const stage of this.stages)
            sum += stage.heldBytes ?? 0;
        return sum;
    }
    toDestination = (chunk) => {
        if (this.pauses.has('chain-full') && this.heldBytes() <= this.highWater / 2)
            this.resume('chain-full');
        if (this.destination.destroyed)
            return;
        this.bytesOut += chunk.length;
        if (!this.destination.write(chunk)) {
            this.backedUp = true;
            this.pause('destination-full');
        }
    };
    endDestination = () => {
        this.ended = true;
        if (!this.destination.destroyed)
            this.destination.end();
    };
}
/** One relayed connection: the accepted client socket, the socket to the server, a pipe each way. */
class ProxyPair {
    id;
    client;
    upstream;
    onGone;
    onReset;
    openedAt = proxy_now();
    /** When the server's side ended (FIN) or closed; null while it is open. */
    upstreamClosedAt = null;
    /** Resolves with upstreamClosedAt once the server's side ended or closed. */
    upstreamClosed;
    /** Resolves once both sockets are closed. */
    closed;
    /** Why the proxy reset it (a reset toxic or reset()); null otherwise. */
    resetReason = null;
    /** The gate client's local port (the accepted socket's remote port), by which the client knows this pair. */
    clientPort;
    up;
    down;
    socketsOpen = 2;
    onUpstreamClosed;
    onClosed;
    constructor(id, client, upstream, network, random, highWater, onGone, onReset = proxy_ignore) {
        this.id = id;
        this.client = client;
        this.upstream = upstream;
        this.onGone = onGone;
        this.onReset = onReset;
        this.clientPort = client.remotePort;
        this.upstreamClosed = new Promise((resolve) => (this.onUpstreamClosed = resolve));
        this.closed = new Promise((resolve) => (this.onClosed = resolve));
        const toxics = network?.toxics ?? [];
        const context = (direction) => ({ direction, random, reset: this.resetBy });
        this.up = new Pipe('upstream', client, upstream, toxics.filter((t) => t.direction === 'upstream'), context('upstream'), highWater);
        this.down = new Pipe('downstream', upstream, client, toxics.filter((t) => t.direction === 'downstream'), context('downstream'), highWater);
        client.on('error', proxy_ignore);
        upstream.on('error', proxy_ignore);
        client.on('close', this.onClientClose);
        upstream.on('close', this.onUpstreamClose);
        upstream.on('end', this.onUpstreamEnd);
    }
    /** Either socket still open. */
    get live() {
        return this.socketsOpen > 0;
    }
    /** The pipe(s) of a direction. */
    pipes(which) {
        return which === 'both' ? [this.up, this.down] : [which === 'upstream' ? this.up : this.down];
    }
    /** RST on both sockets (unsent data dropped). */
    reset(reason) {
        if (this.resetReason === null) {
            this.resetReason = reason;
            this.onReset(this);
        }
        for (const socket of [this.client, this.upstream])
            if (!socket.destroyed)
                socket.resetAndDestroy();
    }
    /** Closes both sockets now (FIN where possible). */
    destroy() {
        this.client.destroy();
        this.upstream.destroy();
    }
    resetBy = (reason) => this.reset(reason);
    onUpstreamEnd = () => {
        this.markUpstreamClosed();
    };
    onClientClose = (hadError) => {
        // An RST from the client goes on to the server, unless that direction is silenced: a dead peer says nothing.
        if (hadError && !this.up.hole.isSwallowing && !this.upstream.destroyed)
            this.upstream.resetAndDestroy();
        this.socketGone();
    };
    onUpstreamClose = (hadError) => {
        this.markUpstreamClosed();
        if (hadError && !this.down.hole.isSwallowing && !this.client.destroyed)
            this.client.resetAndDestroy();
        this.socketGone();
    };
    markUpstreamClosed() {
        if (this.upstreamClosedAt !== null)
            return;
        this.upstreamClosedAt = proxy_now();
        this.onUpstreamClosed(this.upstreamClosedAt);
    }
    socketGone() {
        this.socketsOpen -= 1;
        if (this.socketsOpen > 0)
            return;
        this.up.destroy();
        this.down.destroy();
        this.client.off('error', proxy_ignore);
        this.upstream.off('error', proxy_ignore);
        this.onGone(this);
        this.onClosed();
    }
}
/** A TCP proxy on 127.0.0.1:0 in front of the server. Start with FaultProxy.start(); always close(). */
class FaultProxy {
    server;
    port;
    options;
    live = new Set();
    /** Client ports of the pairs reset on purpose, until takeReset asks (or the port is used again). */
    resetLedger;
    acceptedCount = 0;
    resetCount = 0;
    closing = null;
    /** Called for every accepted connection, once its pair exists. */
    onPair = null;
    /** Called for every pair reset on purpose, before its RST is sent. */
    onReset = null;
    constructor(server, port, options) {
        this.server = server;
        this.port = port;
        this.options = options;
        this.resetLedger = options.resetLedger ?? new ResetLedger();
        server.on('connection', this.onConnection);
    }
    /** Listens on 127.0.0.1 on a free port. */
    static async start(options) {
        // Half-open connections are relayed as they are: each FIN is passed on by the pipe of its direction.
        const server = (0,external_node_net_namespaceObject.createServer)({ allowHalfOpen: true });
        const port = await new Promise((resolve, reject) => {
            server.once('error', reject);
            server.listen(0, '127.0.0.1', () => {
                server.off('error', reject);
                const address = server.address();
                resolve(typeof address === 'object' && address ? address.port : 0);
            });
        });
        return new FaultProxy(server, port, options);
    }
    /**
     * A proxy with `network`'s toxics in front of the server `target` points at, and the target that goes through
     * it; null when the spec has no toxics (no proxy then: nothing to inject).
     */
    static async inFrontOf(target, network) {
        if (network.toxics.length === 0)
            return null;
        const proxy = await FaultProxy.start({ upstream: upstreamOf(target), network });
        return { proxy, target: proxiedTarget(target, proxy) };
    }
    /** Pairs with a socket still open, in accept order. */
    get pairs() {
        return [...this.live];
    }
    /** Connections accepted so far; pair ids run from 1 to this. */
    get accepted() {
        return this.acceptedCount;
    }
    /** Connections ended with an RST by a reset toxic or reset(), counted as the RST is sent. */
    get resets() {
        return this.resetCount;
    }
    /**
     * True (once) when the proxy reset the connection whose client side had this local port: a failure the gate
     * caused on purpose, which the rates do not judge. The port is noted before the RST is sent, so a client that
     * sees the reset finds it here.
     */
    takeReset(localPort) {
        return this.resetLedger.take(localPort);
    }
    /** The live pair with this id, if any. */
    pair(id) {
        for (const pair of this.live)
            if (pair.id === id)
                return pair;
        return undefined;
    }
    /** Forward nothing more in `which` direction(s), sockets kept open: no FIN, no RST (a dead peer). */
    blackhole(pair, which = 'both') {
        for (const pipe of pair.pipes(which))
            pipe.hole.swallow();
    }
    /** Stop reading the source of `which` direction(s), so the kernel buffers and TCP windows fill (a slow reader). */
    pause(pair, which) {
        for (const pipe of pair.pipes(which))
            pipe.pause('user');
    }
    resume(pair, which) {
        for (const pipe of pair.pipes(which))
            pipe.resume('user');
    }
    /** RST both sockets of the pair. */
    reset(pair) {
        pair.reset('reset by the gate');
    }
    /** Stops listening, destroys every pair, and resolves once every socket and the listener are closed. */
    close() {
        this.closing ??= (async () => {
            const listening = new Promise((resolve) => this.server.close(() => resolve()));
            const pairs = [...this.live];
            for (const pair of pairs)
                pair.destroy();
            await Promise.all([listening, ...pairs.map((pair) => pair.closed)]);
            this.server.off('connection', this.onConnection);
        })();
        return this.closing;
    }
    onConnection = (client) => {
        if (this.closing) {
            client.destroy();
            return;
        }
        client.setNoDelay(true);
        if (client.remotePort !== undefined)
            this.resetLedger.clear(client.remotePort);
        const upstream = (0,external_node_net_namespaceObject.connect)({ ...this.options.upstream, allowHalfOpen: true, noDelay: true });
        this.acceptedCount += 1;
        const pair = new ProxyPair(this.acceptedCount, client, upstream, this.options.network, this.options.random ?? Math.random, this.options.highWaterBytes ?? DEFAULT_HIGH_WATER, this.onPairGone, this.onPairReset);
        this.live.add(pair);
        this.onPair?.(pair);
    };
    onPairReset = (pair) => {
        this.resetCount += 1;
        if (pair.clientPort !== undefined)
            this.resetLedger.mark(pair.clientPort);
        this.onReset?.(pair);
    };
    onPairGone = (pair) => {
        this.live.delete(pair);
    };
}
/** The Report's account of a proxy's run: the spec it applied, the connections it relayed and the resets it made. */
function networkFaults(spec, proxy) {
    return {
        spec: spec.text,
        toxics: spec.toxics.map((t) => ({ toxic: t.toxic, direction: t.direction, params: { ...t.params } })),
        connections: proxy.accepted,
        resets: proxy.resets,
    };
}

;// CONCATENATED MODULE: external "node:url"
const external_node_url_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");
;// CONCATENATED MODULE: external "node:worker_threads"
const external_node_worker_threads_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");
;// CONCATENATED MODULE: ./src/net/relay-shared.ts
// What the gate's thread and the proxy thread (relay-worker.ts) share: the worker's start data, its messages,
// and the slots of the counters it keeps in shared memory.
/** Slots of the shared counters. */
const ACCEPTED = 0;
const RESETS = 1;

;// CONCATENATED MODULE: ./src/net/proxy-thread.ts
// The network faults' proxy in a worker thread (relay-worker.ts), as the network phase uses it: what it counts
// and which connections it reset are shared memory, read here without a round trip.






/** How long close() waits for the worker to close its sockets before terminating it. */
const CLOSE_WAIT_MS = 5000;
/**
 * Where the worker's code is: beside this module when the gate runs from its TypeScript sources (tests, through
 * Node's type stripping and the `.js` → `.ts` resolve hook), else the bundle ncc builds into dist/relay-worker/
 * (beside dist/index.js, one level up from dist/cli/index.js).
 */
function relayWorkerScript(here = import.meta.url) {
    if (here.endsWith('.ts')) {
        const hook = new URL('../../scripts/ts-resolve.mjs', here);
        return {
            url: new URL('./relay-worker.ts', here),
            execArgv: ['--no-warnings', '--experimental-transform-types', '--import', hook.href],
        };
    }
    const candidates = ['./relay-worker/index.js', '../relay-worker/index.js'].map((p) => new URL(p, here));
    const url = candidates.find((c) => (0,external_node_fs_namespaceObject.existsSync)((0,external_node_url_namespaceObject.fileURLToPath)(c)));
    if (!url)
        throw new Error(`the fault proxy's worker is missing: looked for ${candidates.map((c) => (0,external_node_url_namespaceObject.fileURLToPath)(c)).join(' and ')}`);
    return { url, execArgv: [] };
}
/** The fault proxy on a thread of its own. Start with ThreadedProxy.start(); always close(). */
class ThreadedProxy {
    worker;
    port;
    counters;
    resetLedger;
    closing = null;
    /** Resolves once the thread ended, whenever and however (also before close(): a crash). */
    ended;
    constructor(worker, port, counters, resetLedger) {
        this.worker = worker;
        this.port = port;
        this.counters = counters;
        this.resetLedger = resetLedger;
        this.ended = new Promise((resolve) => worker.once('exit', () => resolve()));
    }
    static async start(upstream, network) {
        const counters = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
        const resetLedger = new ResetLedger();
        const script = relayWorkerScript();
        const data = { upstream, network, counters, resetPorts: resetLedger.buffer };
        const worker = new external_node_worker_threads_namespaceObject.Worker(script.url, { workerData: data, execArgv: script.execArgv, stdout: false, stderr: false });
        const port = await new Promise((resolve, reject) => {
            const fail = (err) => reject(new Error(`the fault proxy's worker did not start: ${err.message}`));
            worker.once('error', fail);
            worker.once('exit', (code) => fail(new Error(`it exited with code ${code}`)));
            worker.once('message', (message) => {
                if (message.kind === 'listening')
                    resolve(message.port);
                else
                    fail(new Error(message.kind === 'failed' ? message.message : `it said ${message.kind}`));
            });
        }).catch(async (err) => {
            await worker.terminate();
            throw err;
        });
        worker.removeAllListeners();
        // A worker that fails later ends its connections; the rates and the close say so. Unheard, it would crash the gate.
        worker.on('error', () => { });
        return new ThreadedProxy(worker, port, new Int32Array(counters), resetLedger);
    }
    /** A proxy with `network`'s toxics in front of the server `target` points at, and the target through it; null without toxics. */
    static async inFrontOf(target, network) {
        if (network.toxics.length === 0)
            return null;
        const proxy = await ThreadedProxy.start(upstreamOf(target), network);
        return { proxy, target: proxiedTarget(target, proxy) };
    }
    /** Connections accepted so far. */
    get accepted() {
        return Atomics.load(this.counters, ACCEPTED);
    }
    /** Connections reset on purpose, counted as the RST is sent. */
    get resets() {
        return Atomics.load(this.counters, RESETS);
    }
    /** True (once) when the proxy reset the connection whose client side had this local port. */
    takeReset(localPort) {
        return this.resetLedger.take(localPort);
    }
    /** Closes every relayed connection and the listener, then ends the thread (terminated if it does not answer). */
    close() {
        this.closing ??= (async () => {
            const closed = new Promise((resolve) => {
                this.worker.on('message', (message) => {
                    if (message.kind === 'closed')
                        resolve();
                });
            });
            this.worker.postMessage('close');
            const timer = setTimeout(() => void this.worker.terminate(), CLOSE_WAIT_MS);
            await Promise.race([closed, this.ended]);
            clearTimeout(timer);
            await this.worker.terminate();
        })();
        return this.closing;
    }
}

;// CONCATENATED MODULE: ./src/phases/network.ts
// Network faults: a proxy inside the gate in front of the server, for the flapping, leak and recovery traffic.


/** Puts the proxy in front of the server when the network input names a toxic; every later connection goes through it. */
async function applyNetwork(run) {
    const spec = run.config.faults.network;
    if (spec.toxics.length === 0 || run.network)
        return;
    // On a thread of its own: relaying on the gate's thread would take half the rate the gate's clients can drive.
    const front = await ThreadedProxy.inFrontOf(run.requireTarget(), spec);
    if (!front)
        return;
    run.network = front.proxy;
    run.directTarget = run.requireTarget();
    run.target = front.target;
    run.progress(`  network faults through a proxy on port ${front.proxy.port}: ${spec.text}`);
}
/** Closes the proxy (every pair it holds) and records what it injected. Runs in teardown, on every path. */
async function closeNetwork(run) {
    const proxy = run.network;
    if (!proxy)
        return;
    run.results.faults.network = networkFaults(run.config.faults.network, proxy);
    await proxy.close();
}

;// CONCATENATED MODULE: ./src/phases/baseline.ts
// Baseline: an idle window after warm-up; its memory is what growth is measured from, and the exact signals' start.







const baseline = {
    name: 'baseline',
    enabled: () => true,
    describe: (config) => `${baselineWindowMs(config.sampleIntervalMs)} ms idle`,
    async run(run) {
        await run.protocolSettled;
        await applyNetwork(run);
        // The first snapshot runs inside the idle window (no client is connected): the samples it disturbs are left
        // out of the baseline and what it adds is taken off every later sample, as for every snapshot.
        await Promise.all([heapSnapshot(run, 'before-load', 0), run.idle(baselineWindowMs(run.config.sampleIntervalMs))]);
        if (run.stopped)
            return;
        await run.sampler?.sampleOnce();
        const server = run.server;
        const tree = server && server.pid !== null ? () => server.tree() : null;
        run.exactSignals = new ExactSignals(run.config, portOf(run.serverInfo.url), tree);
        await run.exactSignals.readBaseline();
        const own = withoutProbes(run.sampler?.samples ?? [], run.probeWindows);
        const rss = median(own.filter((s) => s.phase === 'baseline').map((s) => s.rssBytes));
        if (rss !== null)
            run.results.trendPoints.push({ connections: 0, rssBytes: rss });
    },
};

;// CONCATENATED MODULE: ./src/phases/cooldown.ts
// Cooldown: idle after the load; what the server still holds then is what it retained.

const cooldown = {
    name: 'cooldown',
    enabled: () => true,
    describe: (config) => `${config.cooldownMs} ms idle`,
    async run(run) {
        await run.idle(run.config.cooldownMs);
        if (run.stopped)
            return;
        await run.sampler?.sampleOnce();
        await run.exactSignals?.readAfter();
        // After the retained RSS is read: a snapshot makes the server allocate.
        const { flapping, leak } = run.results;
        await heapSnapshot(run, 'after-cooldown', flapping.attempts + leak.attempts);
    },
};

;// CONCATENATED MODULE: ./src/client/protocols/adapter.ts
// The shape of a protocol adapter: what the gate must say and hear to hold a real session with a server.
/** Parses `text` as a JSON object, or null. */
function jsonObject(text) {
    try {
        const value = JSON.parse(text);
        return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : null;
    }
    catch {
        return null;
    }
}

;// CONCATENATED MODULE: ./src/client/protocols/graphql-ws.ts
// The graphql-ws adapter: the graphql-transport-ws subprotocol, connection_init/ack, ping/pong messages.

/** The subprotocol of the graphql-ws library (not the older subscriptions-transport-ws `graphql-ws`). */
const GRAPHQL_TRANSPORT_WS = 'graphql-transport-ws';
/** The `type` of a graphql-transport-ws message, or null when `text` is not one. */
function messageType(text) {
    const message = jsonObject(text);
    return message && typeof message.type === 'string' ? message.type : null;
}
/** graphql-ws: the protocol's own ping is answered by the server with a pong, no schema needed. */
const graphqlWs = {
    id: 'graphql-ws',
    subprotocols: [GRAPHQL_TRANSPORT_WS],
    opening: {
        send: JSON.stringify({ type: 'connection_init' }),
        ack: { describe: 'connection_ack', matches: (text) => messageType(text) === 'connection_ack' },
    },
    keepAlive: (text) => (messageType(text) === 'ping' ? JSON.stringify({ type: 'pong' }) : null),
    probe: {
        message: JSON.stringify({ type: 'ping', payload: { from: 'ws-resilience-gate' } }),
        describe: 'a graphql-ws ping message, answered by a pong message',
        answers: (reply) => messageType(reply) === 'pong',
    },
};

;// CONCATENATED MODULE: ./src/client/protocols/socket-io.ts
// The Socket.IO adapter: Engine.IO v4 on its WebSocket transport, the default namespace, Engine.IO heartbeats.

/**
 * The namespace recovery asks for. A stock server answers a connect to a namespace it does not know with a
 * connect error (`44/ns,{"message":"Invalid namespace"}`), and one with dynamic namespaces with a connect
 * (`40/ns,{"sid":...}`): either reply comes from the Socket.IO layer itself and runs none of the application's
 * handlers. An event with an ack id (`421["x"]`) would not do: a server without a handler for it never acks.
 */
const PROBE_NAMESPACE = '/ws-resilience-gate';
/** Engine.IO's open packet: `0` followed by the handshake JSON with the session id and heartbeat settings. */
function isEngineIoOpen(text) {
    if (!text.startsWith('0{'))
        return false;
    const open = jsonObject(text.slice(1));
    return open !== null && typeof open.sid === 'string' && typeof open.pingInterval === 'number';
}
/** Socket.IO v4 over Engine.IO v4 (URL `/socket.io/?EIO=4&transport=websocket`). */
const socketIo = {
    id: 'socket.io',
    subprotocols: [],
    opening: {
        greeting: { describe: 'the Engine.IO open packet 0{"sid":…}', matches: isEngineIoOpen },
        send: '40',
        ack: { describe: 'the connect ack 40{"sid":…} of the default namespace', matches: (text) => /^40\{/.test(text) },
        refusal: (text) => (/^44(\{|$)/.test(text) ? `the default namespace refused the connection: ${text.slice(2, 200)}` : null),
    },
    // Engine.IO v4: the server pings (`2`), the client must pong (`3`) within pingTimeout or be dropped.
    keepAlive: (text) => (text === '2' ? '3' : null),
    probe: {
        message: `40${PROBE_NAMESPACE},`,
        describe: `a connect to namespace ${PROBE_NAMESPACE} (40${PROBE_NAMESPACE},), answered by its connect or connect error`,
        answers: (reply) => reply.startsWith(`40${PROBE_NAMESPACE},`) || reply.startsWith(`44${PROBE_NAMESPACE},`),
        // A server with dynamic namespaces connected us: leave the namespace, or the next probe is a duplicate connect,
        // which Socket.IO answers by closing the whole connection.
        after: (reply) => (reply.startsWith(`40${PROBE_NAMESPACE},`) ? `41${PROBE_NAMESPACE},` : null),
    },
};

;// CONCATENATED MODULE: ./src/client/protocols/registry.ts
// The adapters by id, the `protocol` setting's values, and a target that offers an adapter's subprotocols.



/** Every adapter, by id. Adding a protocol = one file and one line here. */
const ADAPTERS = {
    raw: raw,
    'socket.io': socketIo,
    'graphql-ws': graphqlWs,
};
/** The adapter of `id`. */
function adapterFor(id) {
    return ADAPTERS[id];
}
/** The adapter of an explicit `protocol` choice; null for `auto` (call detectProtocol). */
function chosenAdapter(choice) {
    return choice === 'auto' ? null : ADAPTERS[choice];
}
/** Subprotocols some adapter offers: what auto-detection tries on a server that wants one. */
function knownSubprotocols() {
    return [...new Set(Object.values(ADAPTERS).flatMap((a) => a.subprotocols))];
}
/** `target` offering the adapter's subprotocols after the user's own (no duplicates). */
function targetFor(target, adapter) {
    const subprotocols = [...new Set([...target.subprotocols, ...adapter.subprotocols])];
    return subprotocols.length === target.subprotocols.length ? target : { ...target, subprotocols };
}

;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: ./src/client/frames.ts
// RFC 6455 frames as bytes (pure): a writer that can break every rule on purpose, and a reader for what a server sends.

/** Opcodes of RFC 6455 section 5.2; 0x3-0x7 and 0xB-0xF are reserved. */
const OPCODE = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa };
/** Control frames carry at most this many payload bytes (RFC 6455 section 5.5). */
const MAX_CONTROL_PAYLOAD = 125;
/** The largest length the 64-bit form may claim: its most significant bit must be 0 (section 5.2). */
const LARGEST_LENGTH = 2n ** 63n - 1n;
/** The header of a frame (with its masking key, if masked) for a payload of `length` bytes. */
function frameHeader(spec, length, maskKey) {
    const len = BigInt(length);
    if (len < 0n || len > 2n ** 64n - 1n)
        throw new RangeError(`a frame length must fit 64 bits, got ${len}`);
    const lengthBytes = len <= 125n ? 0 : len <= 0xffffn ? 2 : 8;
    const header = Buffer.alloc(2 + lengthBytes + (maskKey ? 4 : 0));
    header[0] =
        ((spec.fin ?? true) ? 0x80 : 0) | (spec.rsv1 ? 0x40 : 0) | (spec.rsv2 ? 0x20 : 0) | (spec.rsv3 ? 0x10 : 0) | (spec.opcode & 0x0f);
    const lengthField = lengthBytes === 0 ? Number(len) : lengthBytes === 2 ? 126 : 127;
    header[1] = (maskKey ? 0x80 : 0) | lengthField;
    if (lengthBytes === 2)
        header.writeUInt16BE(Number(len), 2);
    if (lengthBytes === 8)
        header.writeBigUInt64BE(len, 2);
    if (maskKey)
        maskKey.copy(header, 2 + lengthBytes, 0, 4);
    return header;
}
/** XORs `data` with the key as if it started `offset` bytes into the payload; returns a new buffer. */
function maskBytes(data, key, offset = 0) {
    const out = Buffer.allocUnsafe(data.length);
    for (let i = 0; i < data.length; i++)
        out[i] = data[i] ^ key[(offset + i) & 3];
    return out;
}
/** One whole frame: header, masking key and (masked) payload. */
function frames_frame(spec) {
    const payload = typeof spec.payload === 'string' ? Buffer.from(spec.payload, 'utf8') : (spec.payload ?? Buffer.alloc(0));
    const key = (spec.mask ?? true) ? (spec.maskKey ?? (0,external_node_crypto_namespaceObject.randomBytes)(4)) : null;
    if (key && key.length !== 4)
        throw new RangeError(`a masking key has 4 bytes, got ${key.length}`);
    const header = frameHeader(spec, spec.lengthOverride ?? payload.length, key);
    return Buffer.concat([header, key ? maskBytes(payload, key) : payload]);
}
/** A close frame's payload: the code as 2 bytes, then the UTF-8 reason. */
function closePayload(code, reason = '') {
    const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
    payload.writeUInt16BE(code, 0);
    payload.write(reason, 2, 'utf8');
    return payload;
}
/** A valid close frame from a client. */
function closeFrame(code, reason = '', maskKey) {
    return frames_frame({ opcode: OPCODE.close, payload: closePayload(code, reason), ...(maskKey ? { maskKey } : {}) });
}
/** A valid ping from a client. */
function pingFrame(payload, maskKey) {
    return frames_frame({ opcode: OPCODE.ping, payload, ...(maskKey ? { maskKey } : {}) });
}
/**
 * Text that is not UTF-8: "κόσμε" followed by ED A0 80, the encoding of the surrogate U+D800, which
 * UTF-8 forbids (RFC 3629 section 3; Autobahn case 6.4.x uses the same kind of sequence).
 */
const INVALID_UTF8 = Buffer.concat([Buffer.from('κόσμε', 'utf8'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('edited', 'utf8')]);
/** The malformed frames of the hostile scenario, each breaking one rule of RFC 6455. */
const malformed = {
    /** A text frame whose payload is not UTF-8: the server must fail with 1007 (section 8.1). */
    invalidUtf8Text: (maskKey) => frames_frame({ opcode: OPCODE.text, payload: INVALID_UTF8, ...(maskKey ? { maskKey } : {}) }),
    /** RSV1-3 set although no extension was negotiated: fail the connection (section 5.2). */
    reservedBits: (maskKey) => frames_frame({ opcode: OPCODE.text, rsv1: true, rsv2: true, rsv3: true, payload: 'reserved', ...(maskKey ? { maskKey } : {}) }),
    /** Opcode 0x3, reserved for future non-control frames: fail the connection (section 5.2). */
    unknownOpcode: (maskKey) => frames_frame({ opcode: 0x3, payload: 'opcode 3', ...(maskKey ? { maskKey } : {}) }),
    /** A client frame without a mask: the server must close the connection (section 5.1). */
    unmaskedText: () => frames_frame({ opcode: OPCODE.text, mask: false, payload: 'unmasked' }),
    /** A ping with FIN clear: control frames must not be fragmented (section 5.5). */
    fragmentedPing: (maskKey) => frames_frame({ opcode: OPCODE.ping, fin: false, payload: 'fragment', ...(maskKey ? { maskKey } : {}) }),
    /** A ping with 126 payload bytes (the 16-bit length form): more than a control frame may carry (section 5.5). */
    oversizedPing: (maskKey) => frames_frame({ opcode: OPCODE.ping, payload: Buffer.alloc(MAX_CONTROL_PAYLOAD + 1, 0x2a), ...(maskKey ? { maskKey } : {}) }),
    /** A continuation frame with no message started: fail the connection (section 5.4). */
    orphanContinuation: (maskKey) => frames_frame({ opcode: OPCODE.continuation, payload: 'orphan', ...(maskKey ? { maskKey } : {}) }),
    /** A close frame with code 999, outside every range section 7.4 allows. */
    invalidCloseCode: (maskKey) => closeFrame(999, '', maskKey),
    /** Only the header of a binary frame claiming 2^63 - 1 bytes: no server can buffer that (section 10.4). */
    hugeLengthHeader: (maskKey) => frameHeader({ opcode: OPCODE.binary }, LARGEST_LENGTH, maskKey ?? (0,external_node_crypto_namespaceObject.randomBytes)(4)),
};
/** The code and reason of a close frame's payload. */
function parseClosePayload(payload) {
    if (payload.length < 2)
        return { code: 1005, reason: '' };
    return { code: payload.readUInt16BE(0), reason: payload.subarray(2).toString('utf8') };
}
/** Parses a frame header at the start of `data`: null when more bytes are needed. */
function parseHeader(data) {
    if (data.length < 2)
        return null;
    const b0 = data[0];
    const b1 = data[1];
    const masked = (b1 & 0x80) !== 0;
    let length = b1 & 0x7f;
    let size = 2;
    if (length === 126) {
        if (data.length < 4)
            return null;
        length = data.readUInt16BE(2);
        size = 4;
    }
    else if (length === 127) {
        if (data.length < 10)
            return null;
        const big = data.readBigUInt64BE(2);
        if (big > BigInt(Number.MAX_SAFE_INTEGER))
            throw new RangeError(`a frame claims ${big} bytes`);
        length = Number(big);
        size = 10;
    }
    if (masked && data.length < size + 4)
        return null;
    const maskKey = masked ? Buffer.from(data.subarray(size, size + 4)) : null;
    if (masked)
        size += 4;
    return { fin: (b0 & 0x80) !== 0, rsv: (b0 >> 4) & 0x7, opcode: b0 & 0x0f, masked, length, maskKey, size };
}
const EMPTY = Buffer.alloc(0);
/**
 * Reads frames from a byte stream that arrives in arbitrary pieces. Keeps at most `keepBytes` of each
 * payload, so a server echoing a 16 MiB message costs the reader nothing. After a header it cannot
 * read (a length beyond 2^53), `error` is set and the rest of the stream is ignored.
 */
class FrameReader {
    keepBytes;
    /** Why the stream stopped being readable; null while it reads. */
    error = null;
    /** Payload bytes of data frames (text, binary, continuation) seen so far, kept or not. */
    dataBytes = 0;
    head = EMPTY;
    current = null;
    constructor(keepBytes = 4096) {
        this.keepBytes = keepBytes;
    }
    /** Feeds the next piece of the stream; returns the frames it completed. */
    push(chunk) {
        const frames = [];
        let data = this.head.length > 0 ? Buffer.concat([this.head, chunk]) : chunk;
        this.head = EMPTY;
        while (this.error === null) {
            if (!this.current) {
                if (data.length === 0)
                    break;
                let header;
                try {
                    header = parseHeader(data);
                }
                catch (err) {
                    this.error = err.message;
                    break;
                }
                if (!header) {
                    this.head = Buffer.from(data);
                    break;
                }
                this.current = { ...header, remaining: header.length, kept: [], keptBytes: 0 };
                data = data.subarray(header.size);
            }
            const current = this.current;
            const take = Math.min(current.remaining, data.length);
            const keep = Math.min(take, this.keepBytes - current.keptBytes);
            if (keep > 0) {
                const offset = current.length - current.remaining;
                const piece = data.subarray(0, keep);
                current.kept.push(current.maskKey ? maskBytes(piece, current.maskKey, offset) : Buffer.from(piece));
                current.keptBytes += keep;
            }
            if (current.opcode < 0x8)
                this.dataBytes += take;
            current.remaining -= take;
            data = data.subarray(take);
            if (current.remaining > 0)
                break;
            const { fin, rsv, opcode, masked, length, kept } = current;
            frames.push({ fin, rsv, opcode, masked, length, payload: Buffer.concat(kept) });
            this.current = null;
        }
        return frames;
    }
}

;// CONCATENATED MODULE: ./src/scenarios/dead-peers.ts
// Dead peers: clients that complete the handshake, then go silent without FIN or RST; how long until the server
// gives up on each, with a close frame or by closing the TCP connection (a heartbeat reaps them; without one
// they stay open for good).






/** Silences the pair both ways and watches, in what the proxy swallows from the server, for its close frame. */
function silence(proxy, client, ws, pair) {
    // Payloads are not kept: only the opcodes matter, and a server may push megabytes into the silence.
    const reader = new FrameReader(0);
    let onCloseFrame;
    const closeFrame = new Promise((resolve) => (onCloseFrame = resolve));
    const silent = {
        client,
        ws,
        pair,
        silentAt: performance.now(),
        closeFrameAt: null,
        gaveUp: Promise.race([closeFrame, pair.upstreamClosed.then(() => undefined)]),
    };
    pair.down.hole.onSwallow = function onServerBytes(chunk) {
        if (silent.closeFrameAt === null && reader.push(chunk).some((frame) => frame.opcode === OPCODE.close)) {
            silent.closeFrameAt = performance.now();
            onCloseFrame();
        }
    };
    proxy.blackhole(pair, 'both');
    return silent;
}
/**
 * Connects `clients` clients one by one through a proxy of its own, silences each after its handshake, and waits
 * until the server gave up on every one (sent a close frame or closed the TCP connection), until `timeoutMs`
 * after the last went silent, or until `signal` aborts. Always closes its clients and its proxy before it returns.
 */
async function runDeadPeers(spec, target, signal) {
    const start = performance.now();
    const result = {
        id: 'dead-peers',
        enabled: true,
        clients: spec.clients,
        silenced: 0,
        connectFailures: {},
        reaped: 0,
        stillOpen: 0,
        timeoutMs: spec.timeoutMs,
        perClient: [],
        reapMs: null,
        serverSideOpen: null,
        stoppedEarly: false,
        durationMs: 0,
    };
    const proxy = await FaultProxy.start({ upstream: upstreamOf(target) });
    const silent = [];
    const opened = [];
    try {
        const before = spec.lingering ? await spec.lingering() : null;
        const through = proxiedTarget(target, proxy);
        for (let client = 1; client <= spec.clients && !signal.aborted; client++) {
            // One at a time: the pair the proxy accepts next is this client's.
            const id = proxy.accepted + 1;
            const open = await openConnection(through, signal);
            if (!open.ok) {
                result.connectFailures[open.failure] = (result.connectFailures[open.failure] ?? 0) + 1;
                continue;
            }
            opened.push(open.ws);
            const pair = proxy.pair(id);
            if (!pair || pair.upstreamClosedAt !== null) {
                result.connectFailures.dropped = (result.connectFailures.dropped ?? 0) + 1;
                continue;
            }
            if (spec.greet) {
                try {
                    await spec.greet(open.ws, signal);
                }
                catch {
                    result.connectFailures.greeting = (result.connectFailures.greeting ?? 0) + 1;
                    continue;
                }
            }
            silent.push(silence(proxy, client, open.ws, pair));
        }
        result.silenced = silent.length;
        if (silent.length > 0)
            await waitForReaping(silent, spec.timeoutMs, signal);
        result.stoppedEarly = signal.aborted;
        // Read before the cleanup below: the closes it causes are ours, not the server's.
        for (const s of silent)
            result.perClient.push(clientOutcome(s, spec.timeoutMs));
        if (spec.lingering && before !== null) {
            const after = await spec.lingering();
            result.serverSideOpen = after === null ? null : Math.max(0, after - before);
        }
    }
    finally {
        await Promise.all(opened.map((ws) => closeConnection(ws, 'abrupt', target.closeTimeoutMs)));
        await proxy.close();
    }
    const reaped = result.perClient.flatMap((c) => (c.reapedAfterMs === null ? [] : [c.reapedAfterMs]));
    result.reaped = reaped.length;
    result.stillOpen = silent.length - reaped.length;
    result.reapMs = summarize(reaped);
    result.durationMs = Math.round(performance.now() - start);
    return result;
}
/** One client's times from going silent; reaped when the server gave up on it within the timeout. */
function clientOutcome(s, timeoutMs) {
    const since = (at) => (at === null ? null : Math.round(at - s.silentAt));
    const closeFrameAfterMs = since(s.closeFrameAt);
    const tcpClosedAfterMs = since(s.pair.upstreamClosedAt);
    const first = [closeFrameAfterMs, tcpClosedAfterMs].filter((t) => t !== null);
    const earliest = first.length > 0 ? Math.min(...first) : null;
    return {
        client: s.client,
        reapedAfterMs: earliest !== null && earliest <= timeoutMs ? earliest : null,
        closeFrameAfterMs,
        tcpClosedAfterMs,
    };
}
/** Resolves when every silent client's server side closed, the last one's timeout passed, or `signal` aborted. */
async function waitForReaping(silent, timeoutMs, signal) {
    const deadline = silent[silent.length - 1].silentAt + timeoutMs;
    const done = new AbortController();
    const allClosed = Promise.all(silent.map((s) => s.gaveUp));
    const timeout = (0,external_node_timers_promises_namespaceObject.setTimeout)(Math.max(0, deadline - performance.now()), undefined, { signal: AbortSignal.any([signal, done.signal]) });
    try {
        await Promise.race([allClosed, timeout]);
    }
    catch {
        // Aborted by the run's signal: partial results.
    }
    finally {
        done.abort();
    }
}

;// CONCATENATED MODULE: ./src/phases/dead-peers.ts
// Dead peers: clients that go silent without a FIN or RST, which only a heartbeat lets the server reap.





const deadPeers = {
    name: 'dead-peers',
    enabled: (config) => config.scenarios.includes('dead-peers'),
    describe: ({ faults: f }) => `${f.deadPeers.clients} clients go silent, reaped within ${f.deadPeers.timeoutMs / 1000} s?`,
    async run(run) {
        const server = run.server;
        const port = portOf(run.serverInfo.url);
        const adapter = adapterFor(run.serverInfo.protocol?.id ?? 'raw');
        const result = await runDeadPeers({
            ...run.config.faults.deadPeers,
            // The protocol's opening exchange first (Socket.IO counts a client only after 40), then silence.
            ...(adapter.opening
                ? {
                    greet: async (ws, signal) => {
                        const session = ProtocolSession.attach(ws, adapter);
                        const failed = await session.open(run.config.client.connectTimeoutMs, signal);
                        session.detach();
                        if (failed)
                            throw new Error(failed);
                    },
                }
                : {}),
            ...(server && server.pid !== null
                ? { lingering: async () => (await readSignals(await server.tree(), port)).lingeringConnections }
                : {}),
        }, run.serverTarget(), run.signal);
        run.results.faults.deadPeers = result;
        run.progress(`  ${result.reaped}/${result.silenced} reaped, ${result.stillOpen} still open`);
    },
};

;// CONCATENATED MODULE: ./src/phases/flapping.ts
// Flapping: one client that connects, holds, closes and pauses, cycle after cycle.

const flapping = {
    name: 'flapping',
    enabled: (config) => config.scenarios.includes('flapping'),
    describe: (config) => `${config.flapping.cycles} cycles, hold ${config.flapping.holdMs} ms, pause ${config.flapping.pauseMs} ms`,
    async run(run) {
        run.results.flapping = await runLoad(loadSpecOf(run.config, 'flapping', run.network), run.requireTarget(), run.signal);
        run.progress(`  ${loadLine(run.results.flapping)}`);
    },
};

;// CONCATENATED MODULE: ./src/client/handshake.ts
// The HTTP/1.1 opening handshake of RFC 6455 section 4 as text (pure): the request we write and the response we judge.

/** The GUID of RFC 6455 section 1.3, appended to the key before hashing. */
const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** Responses longer than this without their blank line are not a handshake. */
const MAX_RESPONSE_HEAD = 16 * 1024;
/** A fresh Sec-WebSocket-Key: 16 random bytes, base64 (section 4.1). */
function newKey() {
    return (0,external_node_crypto_namespaceObject.randomBytes)(16).toString('base64');
}
/** The Sec-WebSocket-Accept a server must answer for `key` (section 4.2.2). */
function acceptFor(key) {
    return (0,external_node_crypto_namespaceObject.createHash)('sha1')
        .update(key + WS_GUID)
        .digest('base64');
}
/** The GET request that opens a WebSocket at `url`, offering `subprotocols` and carrying the user's `headers`. */
function upgradeRequest(url, key, subprotocols, headers) {
    const u = new URL(url);
    const path = `${u.pathname || '/'}${u.search}`;
    const lines = [
        `GET ${path} HTTP/1.1`,
        `Host: ${u.host}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${key}`,
        'Sec-WebSocket-Version: 13',
    ];
    if (subprotocols.length > 0)
        lines.push(`Sec-WebSocket-Protocol: ${subprotocols.join(', ')}`);
    for (const [name, value] of Object.entries(headers))
        lines.push(`${name}: ${value}`);
    return `${lines.join('\r\n')}\r\n\r\n`;
}
/**
 * The status and headers of an HTTP response at the start of `data`; null while the blank line has not
 * arrived. Throws when it is not HTTP or the head exceeds MAX_RESPONSE_HEAD.
 */
function parseResponseHead(data) {
    const end = data.indexOf('\r\n\r\n');
    if (end < 0) {
        if (data.length >= 5 && !data.subarray(0, 5).equals(Buffer.from('HTTP/')))
            throw new Error('the server did not answer HTTP');
        if (data.length > MAX_RESPONSE_HEAD)
            throw new Error(`no end of the response head within ${MAX_RESPONSE_HEAD} bytes`);
        return null;
    }
    const [statusLine = '', ...lines] = data.subarray(0, end).toString('latin1').split('\r\n');
    const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
    if (!match)
        throw new Error(`not an HTTP status line: ${JSON.stringify(statusLine.slice(0, 80))}`);
    const headers = {};
    for (const line of lines) {
        const colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    return { status: Number(match[1]), headers, rest: data.subarray(end + 4) };
}
/** Why a response does not complete the handshake for `key` and the offered subprotocols; null when it does. */
function handshakeProblem(head, key, subprotocols) {
    if (head.status !== 101)
        return `HTTP ${head.status} instead of 101`;
    if ((head.headers['upgrade'] ?? '').toLowerCase() !== 'websocket')
        return "no 'Upgrade: websocket' header";
    if (!/\bupgrade\b/i.test(head.headers['connection'] ?? ''))
        return "no 'Connection: Upgrade' header";
    if (head.headers['sec-websocket-accept'] !== acceptFor(key))
        return 'Sec-WebSocket-Accept does not match the key';
    const protocol = head.headers['sec-websocket-protocol'];
    if (protocol !== undefined && !subprotocols.includes(protocol))
        return `the server chose subprotocol '${protocol}', which was not offered`;
    return null;
}

;// CONCATENATED MODULE: ./src/client/raw-socket.ts
// A WebSocket connection at the byte level (own TCP/TLS socket and handshake), for bytes the `ws` client refuses to send.





/** Why a raw connection could not be opened: a FailureKind as the rest of the gate uses them, plus the HTTP status. */
class RawOpenError extends Error {
    failure;
    httpStatus;
    constructor(failure, message, httpStatus) {
        super(message);
        this.failure = failure;
        this.httpStatus = httpStatus;
        this.name = 'RawOpenError';
    }
}
/** One TLS context per CA bundle (parsing Node's ~150 bundled certificates per connection would cost milliseconds). */
const raw_socket_secureContexts = new Map();
function raw_socket_secureContextFor(ca) {
    let context = raw_socket_secureContexts.get(ca);
    if (!context) {
        context = (0,external_node_tls_namespaceObject.createSecureContext)({ ca: [...external_node_tls_namespaceObject.rootCertificates, ca] });
        raw_socket_secureContexts.set(ca, context);
    }
    return context;
}
/** A socket to the target's host and port, plain or TLS; the handshake is the caller's (or openRaw's). */
function dial(target) {
    const url = new URL(target.url);
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    const host = target.pinned?.address ?? hostname;
    const port = Number(url.port || (url.protocol === 'wss:' ? 443 : 80));
    if (url.protocol !== 'wss:')
        return (0,external_node_net_namespaceObject.connect)({ host, port });
    return (0,external_node_tls_namespaceObject.connect)({
        host,
        port,
        // SNI takes host names only (RFC 6066 section 3).
        ...((0,external_node_net_namespaceObject.isIP)(hostname) ? {} : { servername: hostname }),
        ALPNProtocols: ['http/1.1'],
        ...(target.ca ? { secureContext: raw_socket_secureContextFor(target.ca) } : {}),
        ...(target.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
    });
}
/**
 * One raw connection. Before `upgrade()` it keeps the first bytes the server sends (an HTTP answer to a
 * broken request); after it, it reads frames: the close frame, pongs, and counts data.
 */
class RawSocket {
    socket;
    /** Bytes received before the handshake completed (at most MAX_RESPONSE_HEAD). */
    received = Buffer.alloc(0);
    /** The server's close frame, once one arrived. */
    closeInfo = null;
    /** True once the TCP connection ended (FIN, RST or error) or was destroyed. */
    ended = false;
    /** The error that ended it, if one did (ECONNRESET: the server reset it). */
    endError = null;
    pongs = 0;
    lastPong = null;
    /** The subprotocol the server chose; null without one. */
    protocol = null;
    reader = new FrameReader();
    framing = false;
    drained = true;
    waiters = new Set();
    constructor(socket) {
        this.socket = socket;
        socket.on('data', this.onData);
        socket.on('drain', this.onDrain);
        socket.on('error', this.onError);
        socket.on('close', this.onClose);
    }
    /** Opens the TCP (or TLS) connection only: for handshakes that are themselves the test. */
    static connect(target, options = {}) {
        const timeoutMs = options.timeoutMs ?? target.connectTimeoutMs;
        const { signal } = options;
        return new Promise((resolve, reject) => {
            if (signal?.aborted) {
                reject(new RawOpenError('aborted', 'aborted before connecting'));
                return;
            }
            const socket = dial(target);
            const ready = target.url.startsWith('wss:') ? 'secureConnect' : 'connect';
            const finish = (err) => {
                clearTimeout(timer);
                signal?.removeEventListener('abort', onAbort);
                socket.off(ready, onReady);
                socket.off('error', onError);
                if (err) {
                    socket.destroy();
                    reject(err);
                }
                else
                    resolve(new RawSocket(socket));
            };
            function onReady() {
                finish(null);
            }
            function onError(err) {
                finish(new RawOpenError(classifyError(err), err.message));
            }
            function onAbort() {
                finish(new RawOpenError('aborted', 'aborted while connecting'));
            }
            const timer = setTimeout(() => finish(new RawOpenError('timeout', `no connection within ${timeoutMs} ms`)), timeoutMs);
            socket.once(ready, onReady);
            socket.once('error', onError);
            signal?.addEventListener('abort', onAbort, { once: true });
        });
    }
    /**
     * Performs the opening handshake: a fresh key, the target's subprotocols and headers; checks the 101, the
     * Upgrade and Connection headers and Sec-WebSocket-Accept. Throws RawOpenError (http-<status> for a refusal).
     */
    async upgrade(target, options = {}) {
        const timeoutMs = options.timeoutMs ?? target.connectTimeoutMs;
        const key = newKey();
        this.write(Buffer.from(upgradeRequest(target.url, key, target.subprotocols, target.headers), 'latin1'));
        // Written by the condition below, which runs on every event until the head is complete.
        const state = { head: null, problem: null };
        const complete = () => {
            try {
                state.head = parseResponseHead(this.received);
            }
            catch (err) {
                state.problem = err.message;
            }
            return state.head !== null || state.problem !== null || this.ended;
        };
        const answered = await this.waitUntil(complete, timeoutMs, options.signal);
        if (options.signal?.aborted)
            throw new RawOpenError('aborted', 'aborted during the handshake');
        if (state.problem)
            throw new RawOpenError('error', state.problem);
        if (!answered)
            throw new RawOpenError('timeout', `no handshake response within ${timeoutMs} ms`);
        const head = state.head;
        if (!head)
            throw new RawOpenError(this.endError ? classifyError(this.endError) : 'reset', 'the server closed the connection during the handshake');
        const { status, headers, rest } = head;
        const wrong = handshakeProblem(head, key, target.subprotocols);
        if (wrong)
            throw new RawOpenError(status === 101 ? 'error' : `http-${status}`, wrong, status);
        this.protocol = headers['sec-websocket-protocol'] ?? null;
        this.framing = true;
        this.received = Buffer.alloc(0);
        if (rest.length > 0)
            this.readFrames(rest);
    }
    /** Writes bytes unless the connection ended; false when the kernel buffer is full (wait with drain()). */
    write(data) {
        if (this.ended || this.socket.destroyed)
            return false;
        const flushed = this.socket.write(data);
        if (!flushed)
            this.drained = false;
        return flushed;
    }
    /** Waits until the socket can take more bytes, `stop()` holds, or `timeoutMs` passes; true when drained. */
    async drain(timeoutMs, stop, signal) {
        await this.waitUntil(() => this.drained || this.ended || stop(), timeoutMs, signal);
        return this.drained && !this.ended;
    }
    /** Resolves true as soon as `condition()` holds (checked after every event), false at the timeout or abort. */
    waitUntil(condition, timeoutMs, signal) {
        if (condition())
            return Promise.resolve(true);
        return new Promise((resolve) => {
            const finish = (result) => {
                clearTimeout(timer);
                signal?.removeEventListener('abort', onAbort);
                this.waiters.delete(check);
                resolve(result);
            };
            function check() {
                if (condition())
                    finish(true);
            }
            function onAbort() {
                finish(false);
            }
            const timer = setTimeout(() => finish(condition()), timeoutMs);
            this.waiters.add(check);
            if (signal?.aborted)
                onAbort();
            else
                signal?.addEventListener('abort', onAbort, { once: true });
        });
    }
    /** Answers the server's close frame (the polite half of the closing handshake) and ends our side. */
    replyClose() {
        if (this.ended || this.socket.destroyed)
            return;
        this.socket.end(closeFrame(this.closeInfo?.code === 1005 || !this.closeInfo ? 1000 : validEcho(this.closeInfo.code)));
    }
    /** Ends the connection now; safe to call more than once. */
    destroy() {
        this.socket.destroy();
        this.ended = true;
        this.notify();
    }
    readFrames(data) {
        for (const frame of this.reader.push(data)) {
            if (frame.opcode === OPCODE.close && !this.closeInfo)
                this.closeInfo = parseClosePayload(frame.payload);
            if (frame.opcode === OPCODE.pong) {
                this.pongs += 1;
                this.lastPong = frame.payload;
            }
        }
    }
    notify() {
        for (const check of [...this.waiters])
            check();
    }
    onData = (data) => {
        if (this.framing)
            this.readFrames(data);
        else if (this.received.length < MAX_RESPONSE_HEAD)
            this.received = Buffer.concat([this.received, data]);
        this.notify();
    };
    onDrain = () => {
        this.drained = true;
        this.notify();
    };
    onError = (err) => {
        this.endError ??= err;
        this.ended = true;
        this.notify();
    };
    onClose = () => {
        this.ended = true;
        this.notify();
    };
}
/** The code to echo in our close reply: the server's own when a client may send it, else 1000. */
function validEcho(code) {
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999) ? code : 1000;
}
/** Connects and completes the opening handshake; throws RawOpenError and leaves nothing open when it cannot. */
async function openRaw(target, options = {}) {
    const start = performance.now();
    const timeoutMs = options.timeoutMs ?? target.connectTimeoutMs;
    const raw = await RawSocket.connect(target, options);
    try {
        await raw.upgrade(target, { ...options, timeoutMs: Math.max(1, timeoutMs - (performance.now() - start)) });
        return raw;
    }
    catch (err) {
        raw.destroy();
        throw err;
    }
}

;// CONCATENATED MODULE: ./src/scenarios/hostile.ts
// The hostile scenario: malformed frames, floods and broken handshakes, each on its own raw connection, then a liveness check.








/** The payload of the ping sent after a hostile frame: its pong proves the server read past the frame and stayed. */
const PROBE = Buffer.from('hostile-probe');
/** How long a kept-open verdict waits after the probe's pong for a close that might still be on its way. */
const AFTER_PROBE_MS = 30;
/** The slow handshake's pace: one byte per interval. */
const DRIBBLE_MS = 100;
/** Bytes per write of the oversized message (a multiple of 4, so every chunk starts at the same mask offset). */
const CHUNK = 64 * 1024;
/** After a failed handshake, how long the server's exit may take to be noticed before it counts as alive. */
const EXIT_GRACE_MS = 1000;
/** Instead of an HTTP request: a TLS ClientHello's first bytes, a NUL and binary noise, then a blank line. */
const GARBAGE = Buffer.concat([
    Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x00, 0xff, 0xfe]),
    Buffer.from('\u0000garbage\r\n\r\n', 'latin1'),
]);
const hostile_now = () => performance.now();
/** Runs the selected cases in order, each on its own connection; stops early when the server exits or stops accepting. */
async function runHostile(spec, target, probes) {
    const start = hostile_now();
    const selected = HOSTILE_CASE_IDS.filter((id) => !spec.cases || spec.cases.includes(id));
    const readMemory = probes.readMemory ?? (async () => null);
    const before = await readMemory();
    const memory = { beforeBytes: before, peakBytes: before, afterBytes: before };
    const result = {
        id: 'hostile',
        enabled: true,
        cases: [],
        serverSurvived: true,
        stillAccepting: true,
        memory,
        memoryGrowthBytes: null,
        servedOthersDuringStalls: { tried: 0, succeeded: 0 },
        durationMs: 0,
        notes: [],
    };
    let stopReason = null;
    // The two stalled handshakes run together: the point is that others are served while both are open.
    const stallIds = selected.filter((id) => id === 'slow-handshake' || id === 'garbage-handshake');
    const steps = [
        ...selected.filter((id) => !stallIds.includes(id)).map((id) => [id]),
        ...(stallIds.length > 0 ? [stallIds] : []),
    ];
    for (const ids of steps) {
        if (!stopReason && probes.signal.aborted)
            stopReason = 'the run was stopped';
        if (stopReason) {
            for (const id of ids)
                result.cases.push(notRunCase(id, stopReason));
            continue;
        }
        // The reading after the previous case is the one before this case: /proc walks cost time on a busy machine.
        const memoryBefore = memory.afterBytes;
        let observed;
        if (ids.length === 1 && !stallIds.includes(ids[0])) {
            observed = [[ids[0], await runFrameCase(ids[0], spec, target, probes.signal)]];
        }
        else {
            const stalls = await runStalls(ids, target, probes.signal);
            result.servedOthersDuringStalls = stalls.served;
            observed = stalls.cases;
        }
        const alive = await survived(target, probes);
        const memoryAfter = await readMemory();
        if (memoryAfter !== null) {
            memory.afterBytes = memoryAfter;
            memory.peakBytes = Math.max(memory.peakBytes ?? memoryAfter, memoryAfter);
        }
        // The run stops at once when the server exits: that stop is the crash this case caused, judged below.
        if (probes.signal.aborted && alive.serverAlive) {
            // What a case saw after the run's stop is no reaction of the server's.
            stopReason = 'the run was stopped';
            for (const [id] of observed)
                result.cases.push(notRunCase(id, 'the run was stopped during the case'));
            continue;
        }
        for (const [id, o] of observed) {
            const crashed = !alive.serverAlive;
            // Only the judgement needs these two; the Report carries what they were derived from.
            const { lastPongAnswered, servedOthers, ...fields } = o;
            const c = {
                id,
                ...HOSTILE_CASES[id],
                ...fields,
                outcome: crashed ? 'crashed' : o.outcome,
                matchesRfc: !crashed && caseMatchesRfc(id, { ...fields, lastPongAnswered, servedOthers }),
                ms: Math.round(o.ms * 10) / 10,
                acceptingAfter: alive.accepting,
                ...(memoryBefore !== null && memoryAfter !== null ? { memoryGrowthBytes: memoryAfter - memoryBefore } : {}),
            };
            if (crashed && o.outcome !== 'crashed')
                c.detail = `the server exited; on the connection: ${o.outcome}${c.detail ? ` (${c.detail})` : ''}`;
            result.cases.push(c);
        }
        if (!alive.serverAlive) {
            result.serverSurvived = false;
            result.stillAccepting = false;
            result.crashedDuring = ids[0];
            stopReason = `the server exited during '${ids.join("' / '")}'`;
        }
        else if (!alive.accepting) {
            result.stillAccepting = false;
            result.stoppedAcceptingAfter = ids[ids.length - 1];
            stopReason = `the server stopped accepting handshakes after '${ids.join("' / '")}'`;
        }
    }
    if (stopReason)
        result.notes.push(stopReason);
    if (memory.beforeBytes !== null && memory.peakBytes !== null)
        result.memoryGrowthBytes = memory.peakBytes - memory.beforeBytes;
    else
        result.notes.push('the server tree memory could not be read: growth not measured');
    result.durationMs = Math.round(hostile_now() - start);
    return result;
}
/** Whether the server process is alive and a normal handshake succeeds; a crash may take a moment to be seen. */
async function survived(target, probes) {
    const accepting = await acceptsHandshake(target, probes.signal);
    const isAlive = probes.isServerAlive;
    if (accepting || !isAlive)
        return { serverAlive: isAlive?.() ?? true, accepting };
    const deadline = hostile_now() + EXIT_GRACE_MS;
    while (isAlive() && hostile_now() < deadline && !probes.signal.aborted)
        await (0,external_node_timers_promises_namespaceObject.setTimeout)(25);
    return { serverAlive: isAlive(), accepting: false };
}
/** One normal handshake with the `ws` client, closed cleanly: the server still serves. */
async function acceptsHandshake(target, signal) {
    const opened = await openConnection(target, signal);
    if (!opened.ok)
        return false;
    await closeConnection(opened.ws, 'clean', target.closeTimeoutMs);
    return true;
}
/** A handshake that failed where the case needed an open connection. */
function refusedObservation(err, start) {
    const e = err instanceof RawOpenError ? err : new RawOpenError('error', String(err));
    return {
        outcome: 'refused',
        ms: hostile_now() - start,
        ...(e.httpStatus !== undefined ? { httpStatus: e.httpStatus } : {}),
        detail: `the opening handshake failed (${e.failure}: ${e.message})`,
    };
}
/** The server's reaction as an outcome: its close frame, a drop, or nothing. */
function reaction(raw, start) {
    if (raw.closeInfo)
        return { outcome: 'closed', code: raw.closeInfo.code, reason: raw.closeInfo.reason, ms: hostile_now() - start };
    if (raw.ended) {
        const reset = raw.endError?.message.includes('ECONNRESET') ? { detail: 'the server reset the connection' } : {};
        return { outcome: 'dropped', ms: hostile_now() - start, ...reset };
    }
    return { outcome: 'kept-open', ms: hostile_now() - start };
}
/** The bytes of a single-frame case. */
function caseBytes(id) {
    switch (id) {
        case 'invalid-utf8':
            return malformed.invalidUtf8Text();
        case 'reserved-bits':
            return malformed.reservedBits();
        case 'unknown-opcode':
            return malformed.unknownOpcode();
        case 'unmasked-frame':
            return malformed.unmaskedText();
        case 'fragmented-control':
            return malformed.fragmentedPing();
        case 'oversized-control':
            return malformed.oversizedPing();
        case 'orphan-continuation':
            return malformed.orphanContinuation();
        case 'invalid-close-code':
            return malformed.invalidCloseCode();
        case 'huge-length-claim':
            return malformed.hugeLengthHeader();
        default:
            throw new Error(`'${id}' is not a single-frame case`);
    }
}
/** Opens a raw connection, runs one frame case on it, and always destroys it. */
async function runFrameCase(id, spec, target, signal) {
    const start = hostile_now();
    let raw;
    try {
        raw = await openRaw(target, { signal });
    }
    catch (err) {
        return refusedObservation(err, start);
    }
    try {
        if (id === 'oversized-message')
            return await oversized(raw, spec.maxBytes, target.closeTimeoutMs, signal);
        if (id === 'ping-flood')
            return await pingFlood(raw, spec.pings, target.closeTimeoutMs, signal);
        const caseStart = hostile_now();
        raw.write(caseBytes(id));
        // After a close frame nothing may follow; after a huge length claim a ping would only be more payload.
        const probe = id !== 'invalid-close-code' && id !== 'huge-length-claim';
        return await awaitReaction(raw, caseStart, probe, target.closeTimeoutMs, signal);
    }
    finally {
        if (raw.closeInfo)
            raw.replyClose();
        raw.destroy();
    }
}
/** Waits for a close or a drop; with `probe`, a pong to a ping sent behind the hostile bytes ends the wait early. */
async function awaitReaction(raw, start, probe, timeoutMs, signal) {
    const reacted = () => raw.closeInfo !== null || raw.ended;
    const probed = () => raw.lastPong !== null && raw.lastPong.equals(PROBE);
    if (probe)
        raw.write(pingFrame(PROBE));
    await raw.waitUntil(() => reacted() || (probe && probed()), timeoutMs, signal);
    const ms = hostile_now() - start;
    if (!reacted() && probe && probed())
        await raw.waitUntil(reacted, AFTER_PROBE_MS, signal);
    return { ...reaction(raw, start), ms: reacted() ? hostile_now() - start : ms };
}
/**
 * Sends one binary message of `maxBytes` for real, a chunk at a time with backpressure, until the server
 * closes, drops, or stops reading for `timeoutMs`; then waits for its reaction as any other case.
 */
async function oversized(raw, maxBytes, timeoutMs, signal) {
    const start = hostile_now();
    const key = (0,external_node_crypto_namespaceObject.randomBytes)(4);
    // Zeros masked with the key are the key repeated: one chunk serves for the whole message.
    const chunk = Buffer.alloc(CHUNK);
    for (let i = 0; i < CHUNK; i++)
        chunk[i] = key[i & 3];
    const reacted = () => raw.closeInfo !== null || raw.ended || signal.aborted;
    raw.write(frameHeader({ opcode: OPCODE.binary }, maxBytes, key));
    let sent = 0;
    let stalled = false;
    while (sent < maxBytes && !reacted()) {
        const n = Math.min(CHUNK, maxBytes - sent);
        const flushed = raw.write(n === CHUNK ? chunk : chunk.subarray(0, n));
        sent += n;
        if (!flushed && !(await raw.drain(timeoutMs, reacted, signal)) && !reacted()) {
            stalled = true;
            break;
        }
    }
    const observed = stalled ? reaction(raw, start) : await awaitReaction(raw, start, true, timeoutMs, signal);
    const took = observed.outcome === 'kept-open' && sent === maxBytes && !stalled;
    return {
        ...observed,
        bytesSent: sent,
        ...(stalled ? { detail: `the server stopped reading after ${sent} bytes and did not close within ${timeoutMs} ms` } : {}),
        ...(took ? { detail: `the server took all ${maxBytes} bytes and stayed open` } : {}),
    };
}
/** Writes `count` pings at once and waits for the pong to the last one, a close or a drop. */
async function pingFlood(raw, count, timeoutMs, signal) {
    const payloads = Array.from({ length: count }, (_, i) => Buffer.from(`flood-${i}`));
    const last = payloads[payloads.length - 1] ?? PROBE;
    const start = hostile_now();
    raw.write(Buffer.concat(payloads.map((p) => pingFrame(p))));
    const answered = () => raw.lastPong !== null && raw.lastPong.equals(last);
    await raw.waitUntil(() => raw.closeInfo !== null || raw.ended || answered(), timeoutMs, signal);
    const observed = reaction(raw, start);
    return { ...observed, pings: count, pongs: raw.pongs, lastPongAnswered: answered() };
}
/**
 * The slow and the garbage handshakes, together for `closeTimeoutMs`; meanwhile normal handshakes must
 * succeed (at a quarter and at half of the window).
 */
async function runStalls(ids, target, signal) {
    const windowMs = target.closeTimeoutMs;
    const running = ids.map((id) => stall(id, target, windowMs, signal));
    const served = { tried: 0, succeeded: 0 };
    const start = hostile_now();
    for (const at of [windowMs / 4, windowMs / 2]) {
        const wait = at - (hostile_now() - start);
        if (wait > 0)
            await (0,external_node_timers_promises_namespaceObject.setTimeout)(wait, undefined, { signal }).catch(() => undefined);
        if (signal.aborted)
            break;
        served.tried += 1;
        if (await acceptsHandshake(target, signal))
            served.succeeded += 1;
    }
    const observed = await Promise.all(running);
    return {
        cases: ids.map((id, i) => {
            const o = observed[i];
            return [id, id === 'slow-handshake' ? { ...o, servedOthers: served.tried > 0 && served.succeeded === served.tried } : o];
        }),
        served,
    };
}
/** One broken handshake held for `windowMs`: the server should drop it (or answer it with an HTTP error). */
async function stall(id, target, windowMs, signal) {
    const start = hostile_now();
    let raw;
    try {
        raw = await RawSocket.connect(target, { signal });
    }
    catch (err) {
        return refusedObservation(err, start);
    }
    let timer;
    try {
        if (id === 'garbage-handshake') {
            raw.write(GARBAGE);
        }
        else {
            const request = Buffer.from(upgradeRequest(target.url, newKey(), target.subprotocols, target.headers), 'latin1');
            let sent = 0;
            // Never the last byte: the request must not complete however long the window.
            const dribble = () => {
                if (sent < request.length - 1)
                    raw.write(request.subarray(sent, ++sent));
            };
            dribble();
            timer = setInterval(dribble, DRIBBLE_MS);
        }
        await raw.waitUntil(() => raw.ended, windowMs, signal);
        const ms = hostile_now() - start;
        const status = httpStatusOf(raw.received);
        if (status !== null) {
            return {
                outcome: 'refused',
                httpStatus: status,
                ms,
                ...(raw.ended ? {} : { detail: 'the server answered but kept the connection open' }),
            };
        }
        if (raw.ended)
            return { outcome: 'dropped', ms };
        return raw.received.length > 0
            ? { outcome: 'kept-open', ms, detail: 'the server sent something other than HTTP' }
            : { outcome: 'kept-open', ms };
    }
    finally {
        clearInterval(timer);
        raw.destroy();
    }
}
/** The status of an HTTP response at the start of `data`, or null when there is none. */
function httpStatusOf(data) {
    const match = /^HTTP\/1\.[01] (\d{3})/.exec(data.subarray(0, 16).toString('latin1'));
    return match ? Number(match[1]) : null;
}

;// CONCATENATED MODULE: ./src/phases/hostile.ts
// Hostile: one connection per malformed frame, oversized message, ping flood or stalled handshake.

const hostile = {
    name: 'hostile',
    enabled: (config) => config.scenarios.includes('hostile'),
    describe: ({ hostile: h }) => `malformed frames, a ${h.maxBytes}-byte message, ${h.pings} pings, stalled handshakes`,
    async run(run) {
        const sampler = run.sampler;
        const watched = run.server?.mode === 'launch';
        run.results.hostile = await runHostile(run.config.hostile, run.requireTarget(), {
            signal: run.signal,
            ...(watched ? { isServerAlive: () => run.serverInfo.exit === null } : {}),
            // A sample taken now, between cases, so a case's memory is read when it ends.
            ...(sampler ? { readMemory: async () => (await sampler.sampleOnce())?.rssBytes ?? null } : {}),
        });
        const survived = run.results.hostile.serverSurvived ? 'survived' : `crashed during ${run.results.hostile.crashedDuring ?? 'a case'}`;
        run.progress(`  ${run.results.hostile.cases.length} cases, ${survived}`);
    },
};

;// CONCATENATED MODULE: ./src/phases/leak.ts
// Leak prevention: concurrent clients in rounds, some cut abruptly; memory is read after each round for the trend.




const leak = {
    name: 'leak',
    enabled: (config) => config.scenarios.includes('leak'),
    describe: ({ leak: l }) => `${l.clients} clients x ${l.cycles} cycles in ${l.rounds} rounds, ${Math.round(l.abruptRatio * 100)} % abrupt`,
    async run(run) {
        const before = run.results.flapping.attempts;
        // As runLoad splits them: never more rounds than cycles.
        const rounds = Math.max(1, Math.min(run.config.leak.rounds, run.config.leak.cycles));
        const spec = {
            ...loadSpecOf(run.config, 'leak', run.network),
            onRound: async (round, attempts) => {
                const rss = await settledRss(run);
                if (rss !== null)
                    run.results.trendPoints.push({ connections: before + attempts, rssBytes: rss - run.probeOverhead() });
                // The last round's snapshot is the one after cooldown.
                if (round + 1 < rounds)
                    await heapSnapshot(run, `after-round-${round + 1}`, before + attempts);
            },
        };
        // runLoad returns what it counted even when the run stops mid-way (in a round or in a settle window).
        run.results.leak = await runLoad(spec, run.requireTarget(), run.signal);
        run.progress(`  ${loadLine(run.results.leak)}`);
    },
};
/** Waits half a baseline window and returns the median RSS sampled in it: one point of the leak trend. */
async function settledRss(run) {
    const sampler = run.sampler;
    if (!sampler)
        return null;
    const from = performance.now() - run.origin;
    await run.idle(baselineWindowMs(run.config.sampleIntervalMs) / 2);
    if (run.stopped)
        return null;
    await sampler.sampleOnce();
    return median(sampler.samples.filter((s) => s.tMs >= from).map((s) => s.rssBytes));
}

;// CONCATENATED MODULE: ./src/phases/recovery.ts
// Recovery: after the storm, one stable connection must answer pings and test messages.


/** Probes made at most when the network faults' resets cut them (all five cut: 0.03 % at reset-ratio 0.2). */
const RECOVERY_TRIES = 5;
const recovery_recovery = {
    name: 'recovery',
    enabled: (config) => config.scenarios.includes('recovery'),
    describe: ({ recovery: r }) => `${r.pings} pings, ${r.messages} messages, expect ${describeExpect(r.expect)}`,
    async run(run) {
        const adapter = adapterFor(run.serverInfo.protocol?.id ?? 'raw');
        const probe = () => runRecovery(run.config.recovery, run.requireTarget(), run.signal, adapter);
        let resetsBefore = run.network?.resets ?? 0;
        let result = await probe();
        // The probe connection is the only traffic now: a reset the proxy made meanwhile (network: reset-ratio) was
        // made to it, on purpose. That says nothing about the server, so the probe is made again.
        let cut = 0;
        while (run.network && run.network.resets > resetsBefore && cut + 1 < RECOVERY_TRIES && !run.stopped) {
            cut += 1;
            run.progress(`  the probe connection was reset by the network faults: probing again (${cut + 1} of ${RECOVERY_TRIES})`);
            resetsBefore = run.network.resets;
            result = await probe();
        }
        if (cut > 0)
            (result.notes ??= []).push(`the network faults reset ${cut} earlier probe connection${cut === 1 ? '' : 's'}: not judged`);
        run.results.recovery = result;
        run.progress(`  ${result.problems.length === 0 ? 'recovered' : result.problems.join('; ')}`);
        for (const note of result.notes ?? [])
            run.progress(`  note: ${note}`);
    },
};

;// CONCATENATED MODULE: ./src/scenarios/slow-consumer.ts
// Slow consumer: one client that stops reading (the proxy stops taking the server's bytes, so TCP windows fill)
// while the server keeps writing to it: echoes of what the client sends, or pushes after a subscribe-message.
// Measures what that costs the server's memory, and whether it closed or stopped reading the client.




/** How long the phase goes on after the last byte was sent, for the server to buffer what it was given. */
const SETTLE_MS = 1000;
/** Bytes the client keeps queued locally before it waits: enough to keep the pipe full, little of our own memory. */
const CLIENT_QUEUE_BYTES = 256 * 1024;
/** The client's sends stuck this long while the proxy cannot write to the server: the server stopped reading. */
const STALL_MS = 1000;
/** A text message of `bytes` bytes (text: every echo server answers text; some refuse binary). */
function messageOf(bytes) {
    return 'x'.repeat(Math.max(1, bytes));
}
/** Peak growth over a baseline from memory readings; null when either side is missing. */
function memoryGrowth(before, readings) {
    const known = readings.filter((r) => r !== null);
    const peak = known.length > 0 ? Math.max(...known) : null;
    return { peak, growth: before === null || peak === null ? null : Math.max(0, peak - before) };
}
/**
 * Runs the phase through a proxy of its own and returns what it measured. Ends after `durationMs`, after
 * `maxBytes` were sent and the server had a second to take them, when the server closes the client, or when
 * `signal` aborts; always closes its client and its proxy.
 */
async function runSlowConsumer(spec, target, signal) {
    const start = performance.now();
    const result = {
        id: 'slow-consumer',
        enabled: true,
        mode: spec.subscribeMessage === null ? 'echo' : 'subscribe',
        connected: false,
        messagesSent: 0,
        bytesSent: 0,
        serverBytesWhilePaused: 0,
        serverBytesAfter: 0,
        memoryBeforeBytes: null,
        memoryPeakBytes: null,
        memoryGrowthBytes: null,
        serverClosed: false,
        serverPausedReading: false,
        endedBy: 'duration',
        durationMs: 0,
    };
    const proxy = await FaultProxy.start({ upstream: upstreamOf(target) });
    let ws = null;
    const readings = [];
    let sampler = null;
    try {
        const id = proxy.accepted + 1;
        const open = await openConnection(proxiedTarget(target, proxy), signal);
        const pair = open.ok ? proxy.pair(id) : undefined;
        if (!open.ok || !pair) {
            result.connectFailure = open.ok ? 'dropped' : open.failure;
            result.endedBy = signal.aborted ? 'aborted' : 'connect-failed';
            if (open.ok)
                ws = open.ws;
            return result;
        }
        ws = open.ws;
        result.connected = true;
        // Not reading from here on: the server's bytes stay in its own buffers and the kernel's.
        proxy.pause(pair, 'downstream');
        result.memoryBeforeBytes = await spec.readMemory();
        let reading = false;
        sampler = setInterval(function sampleMemory() {
            if (reading)
                return;
            reading = true;
            void spec.readMemory().then((bytes) => {
                readings.push(bytes);
                reading = false;
            }, () => {
                reading = false;
            });
        }, spec.sampleMs ?? 250);
        const client = ws;
        let clientClosed = false;
        client.once('close', function onClientClose() {
            clientClosed = true;
        });
        const serverClosed = () => clientClosed || pair.upstreamClosedAt !== null;
        const deadline = start + spec.durationMs;
        const message = messageOf(spec.messageBytes);
        let allSentAt = null;
        let stalledSince = null;
        if (spec.subscribeMessage !== null) {
            client.send(spec.subscribeMessage);
            result.messagesSent = 1;
            result.bytesSent = Buffer.byteLength(spec.subscribeMessage);
        }
        for (let turn = 0;; turn++) {
            const t = performance.now();
            if (signal.aborted) {
                result.endedBy = 'aborted';
                break;
            }
            if (serverClosed()) {
                result.endedBy = 'server-closed';
                break;
            }
            if (t >= deadline)
                break;
            if (allSentAt !== null && t >= allSentAt + SETTLE_MS) {
                result.endedBy = 'bytes';
                break;
            }
            if (result.mode === 'subscribe' || allSentAt !== null) {
                await (0,external_node_timers_promises_namespaceObject.setTimeout)(20);
                continue;
            }
            if (client.bufferedAmount >= CLIENT_QUEUE_BYTES) {
                // Our queue is full: the proxy stopped taking our bytes because the server stopped reading them.
                if (pair.up.backedUp) {
                    stalledSince ??= t;
                    if (t - stalledSince >= STALL_MS)
                        result.serverPausedReading = true;
                }
                else
                    stalledSince = null;
                await (0,external_node_timers_promises_namespaceObject.setTimeout)(10);
                continue;
            }
            stalledSince = null;
            client.send(message);
            result.messagesSent += 1;
            result.bytesSent += message.length;
            if (result.bytesSent >= spec.maxBytes)
                allSentAt = performance.now();
            // Let the sockets, the sampler and the signal have their turn.
            if (turn % 16 === 15)
                await new Promise((resolve) => setImmediate(resolve));
        }
        clearInterval(sampler);
        sampler = null;
        const last = await spec.readMemory();
        readings.push(last);
        result.serverBytesWhilePaused = pair.down.bytesIn;
        // Take and drop what the server still holds for the client: a FIN behind it tells whether it let the client go.
        proxy.blackhole(pair, 'downstream');
        proxy.resume(pair, 'downstream');
        if (!signal.aborted && pair.upstreamClosedAt === null)
            await drain(pair.upstreamClosed, spec.drainMs ?? 2000, signal);
        result.serverBytesAfter = pair.down.bytesIn - result.serverBytesWhilePaused;
        result.serverClosed = serverClosed();
    }
    finally {
        if (sampler)
            clearInterval(sampler);
        if (ws)
            await closeConnection(ws, 'abrupt', target.closeTimeoutMs);
        await proxy.close();
        const { peak, growth } = memoryGrowth(result.memoryBeforeBytes, readings);
        result.memoryPeakBytes = peak;
        result.memoryGrowthBytes = growth;
        result.durationMs = Math.round(performance.now() - start);
    }
    return result;
}
/** Waits for `closed`, `ms` or the signal, whichever is first; clears its timer either way. */
async function drain(closed, ms, signal) {
    const done = new AbortController();
    try {
        await Promise.race([closed, (0,external_node_timers_promises_namespaceObject.setTimeout)(ms, undefined, { signal: AbortSignal.any([signal, done.signal]) })]);
    }
    catch {
        // Aborted: the caller reports what it has.
    }
    finally {
        done.abort();
    }
}

;// CONCATENATED MODULE: ./src/phases/slow-consumer.ts
// Slow consumer: one client stops reading while the server keeps writing; its memory must stay bounded.

const slowConsumer = {
    name: 'slow-consumer',
    enabled: (config) => config.scenarios.includes('slow-consumer'),
    describe: ({ faults: f }) => `${f.slowConsumer.subscribeMessage === null ? 'echo' : 'subscribe'}, up to ${f.slowConsumer.durationMs / 1000} s without reading`,
    async run(run) {
        const sampler = run.sampler;
        const result = await runSlowConsumer({ ...run.config.faults.slowConsumer, readMemory: async () => (sampler ? ((await sampler.sampleOnce())?.rssBytes ?? null) : null) }, run.serverTarget(), run.signal);
        run.results.faults.slowConsumer = result;
        run.progress(`  server ${result.serverClosed ? 'closed the slow client' : result.serverPausedReading ? 'paused reading' : 'kept writing'}`);
    },
};

;// CONCATENATED MODULE: ./src/client/protocols/detect.ts
// Auto-detection: which protocol a server speaks, judged from what it does on one or two real connections.





/** How long detection watches a fresh connection for a message the server sends unasked (Engine.IO's open packet). */
const DETECT_LISTEN_MS = 500;
/**
 * Picks the protocol from what the server does: an Engine.IO open packet sent unasked means Socket.IO; a server
 * that accepts `graphql-transport-ws` (offered by the user, or tried after it refused a handshake without a
 * subprotocol or closed at once with 4406) means graphql-ws; anything else is raw. Call once, after readiness.
 * `listenMs` is how long a fresh connection is watched for a first message or a close.
 */
async function detectProtocol(target, options) {
    const listenMs = options.listenMs ?? DETECT_LISTEN_MS;
    const first = await observe(target, listenMs, options.signal);
    const onSocketIoPath = /\/socket\.io\/?$/.test(new URL(target.url).pathname);
    if (first.kind === 'open' && first.first !== null && isEngineIoOpen(first.first)) {
        const where = onSocketIoPath ? ' on a /socket.io/ path' : '';
        return { id: 'socket.io', target, why: `the server spoke first with an Engine.IO open packet (0{"sid":…})${where}` };
    }
    for (const adapter of withSubprotocols()) {
        if (first.kind === 'open' && adapter.subprotocols.includes(first.protocol)) {
            return { id: adapter.id, target: targetFor(target, adapter), why: `the server accepted the subprotocol ${first.protocol}` };
        }
    }
    const refusal = refusedForWantOfSubprotocol(first);
    if (refusal) {
        for (const adapter of withSubprotocols()) {
            if (adapter.subprotocols.every((p) => target.subprotocols.includes(p)))
                continue;
            const problem = await tryAdapter(targetFor(target, adapter), adapter, options.signal);
            if (problem === null) {
                const offered = adapter.subprotocols.join(', ');
                return {
                    id: adapter.id,
                    target: targetFor(target, adapter),
                    why: `${refusal}; offered ${offered}, it accepted and answered ${adapter.opening?.ack.describe ?? 'the handshake'}`,
                };
            }
        }
    }
    return { id: raw.id, target, why: rawWhy(first, listenMs, onSocketIoPath, refusal) };
}
function withSubprotocols() {
    return Object.values(ADAPTERS).filter((a) => a.subprotocols.length > 0);
}
/** The start of a sentence when the server refused or dropped the handshake as a server wanting a subprotocol does. */
function refusedForWantOfSubprotocol(seen) {
    if (seen.kind === 'failed') {
        // 400 (ws, graphql-ws with handleProtocols), 426 and 406 are what servers answer to a missing subprotocol.
        return /^http-(400|406|426)$/.test(seen.failure) ? `the server refused the handshake (${seen.failure})` : null;
    }
    const close = seen.close;
    if (close && close.atMs < 1000 && (close.code === 4406 || close.code === 1002 || /protocol/i.test(close.reason))) {
        return `the server closed the connection at once (${closeText(close)})`;
    }
    return null;
}
function rawWhy(seen, listenMs, onSocketIoPath, refusal) {
    if (seen.kind === 'failed')
        return `no connection to look at (${seen.failure}: ${seen.message}); assumed raw`;
    if (refusal)
        return `${refusal}, and no known subprotocol was accepted; assumed raw`;
    const socketIoHint = onSocketIoPath ? ' (the path is /socket.io/, but no Engine.IO open packet arrived)' : '';
    const subprotocol = seen.protocol ? `; it chose the subprotocol ${seen.protocol}` : '';
    return `the server sent nothing unasked within ${listenMs} ms${subprotocol}${socketIoHint}: raw WebSocket`;
}
/** Opens one connection, watches it for `listenMs` (first message or close), and closes it. */
async function observe(target, listenMs, signal) {
    const opened = await openConnection(target, signal);
    if (!opened.ok)
        return { kind: 'failed', failure: opened.failure, message: opened.message };
    const session = ProtocolSession.attach(opened.ws, raw);
    try {
        // A subprotocol an adapter speaks, chosen in the handshake, says it all: no need to listen.
        const chosen = withSubprotocols().some((a) => a.subprotocols.includes(opened.ws.protocol));
        const first = chosen ? { kind: 'timeout' } : await session.next(listenMs, signal);
        return { kind: 'open', protocol: opened.ws.protocol, first: first.kind === 'message' ? first.text : null, close: session.close };
    }
    finally {
        session.detach();
        await closeConnection(opened.ws, 'clean', target.closeTimeoutMs);
    }
}
/** Null when the server accepts the adapter's subprotocol and completes its opening exchange; else why not. */
async function tryAdapter(target, adapter, signal) {
    const opened = await openConnection(target, signal);
    if (!opened.ok)
        return `${opened.failure}: ${opened.message}`;
    const session = ProtocolSession.attach(opened.ws, adapter);
    try {
        if (!adapter.subprotocols.includes(opened.ws.protocol))
            return `the server chose no subprotocol of ${adapter.id}`;
        return await session.open(target.connectTimeoutMs, signal);
    }
    finally {
        session.detach();
        await closeConnection(opened.ws, 'clean', target.closeTimeoutMs);
    }
}

// EXTERNAL MODULE: ./node_modules/pidusage/index.js
var pidusage = __nccwpck_require__(636);
var pidusage_default = /*#__PURE__*/__nccwpck_require__.n(pidusage);
;// CONCATENATED MODULE: ./src/probe/sampler.ts
// Samples the server tree's memory (summed RSS) and CPU at a fixed interval through the whole run.


class ResourceSampler {
    options;
    samples = [];
    timer = null;
    running = null;
    stopped = false;
    /** Linux: CPU time of each pid of the tree at the last reading, for the CPU share since then. */
    cpuSeen = new Map();
    constructor(options) {
        this.options = options;
    }
    /** Primes CPU readings (pidusage's first one per pid is always 0), takes a first sample, then samples on. */
    async start() {
        await this.read(await this.options.listTree());
        await this.sampleOnce();
        this.schedule();
    }
    /** Takes one sample now, outside the schedule (e.g. at a phase boundary). */
    async sampleOnce() {
        const pids = await this.options.listTree();
        if (pids.length === 0)
            return null;
        const usage = await this.read(pids);
        if (usage.length === 0)
            return null;
        const sample = {
            tMs: Math.round(performance.now() - this.options.originMs),
            phase: this.options.phase(),
            rssBytes: usage.reduce((sum, u) => sum + u.memory, 0),
            cpuPercent: Math.round(usage.reduce((sum, u) => sum + u.cpu, 0) * 10) / 10,
            processes: usage.length,
        };
        this.samples.push(sample);
        return sample;
    }
    /** Stops sampling, waits for a sample in flight, and releases pidusage's per-pid history. */
    async stop() {
        this.stopped = true;
        if (this.timer)
            clearTimeout(this.timer);
        this.timer = null;
        await this.running;
        pidusage_default().clear();
    }
    schedule() {
        if (this.stopped)
            return;
        this.timer = setTimeout(() => {
            this.running = this.sampleOnce()
                .then(() => undefined)
                .catch(() => undefined)
                .finally(() => this.schedule());
        }, this.options.intervalMs);
    }
    /**
     * Usage of each pid still alive (a pid that died between listing and reading is skipped). On Linux straight from
     * /proc and synchronously: two reads of kernel memory per pid take microseconds, where pidusage's threadpool round
     * trips cost ~1 ms of CPU per sample in an otherwise idle gate (npm run bench: sampler cost).
     */
    async read(pids) {
        if (pids.length === 0)
            return [];
        if (process.platform === 'linux') {
            const now = performance.now();
            const usage = [];
            for (const pid of pids) {
                let stat;
                let status;
                try {
                    stat = (0,external_node_fs_namespaceObject.readFileSync)(`/proc/${pid}/stat`, 'utf8');
                    status = (0,external_node_fs_namespaceObject.readFileSync)(`/proc/${pid}/status`, 'utf8');
                }
                catch {
                    continue;
                }
                // utime and stime, in clock ticks of USER_HZ: 100 on every architecture Node runs on (only alpha and ia64 differ).
                const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
                const cpuMs = (Number(fields[11]) + Number(fields[12])) * 10;
                // A zombie has no VmRSS line: it holds no memory (pidusage reported 0 for it too).
                const rssKb = /^VmRSS:\s+(\d+)/m.exec(status)?.[1];
                const last = this.cpuSeen.get(pid);
                this.cpuSeen.set(pid, { cpuMs, atMs: now });
                usage.push({
                    memory: rssKb === undefined ? 0 : Number(rssKb) * 1024,
                    cpu: last && now > last.atMs ? ((cpuMs - last.cpuMs) / (now - last.atMs)) * 100 : 0,
                });
            }
            // Only the pids of the tree as it is now are kept: the map never outgrows the tree.
            for (const pid of this.cpuSeen.keys())
                if (!pids.includes(pid))
                    this.cpuSeen.delete(pid);
            return usage;
        }
        try {
            const stats = (await pidusage_default()(pids));
            return Object.values(stats).filter((s) => s !== null && s !== undefined);
        }
        catch {
            // One dead pid can fail the whole batch on some platforms: read them one by one.
            const each = await Promise.all(pids.map((pid) => pidusage_default()(pid).catch(() => null)));
            return each.filter((s) => s !== null);
        }
    }
}

;// CONCATENATED MODULE: ./src/server/readiness.ts
// Waits until the server completes a real WebSocket handshake and keeps the connection; fails fast on definite answers.



/** Start-up ended without a ready server: the message is the sentence for the report, `kind` says why. */
class NotReadyError extends Error {
    kind;
    constructor(message, kind = 'timeout') {
        super(message);
        this.kind = kind;
        this.name = 'NotReadyError';
    }
}
/**
 * Tries handshakes until one succeeds and the connection stays open `settleMs`, `timeoutMs` passes, `signal`
 * aborts, `gaveUp()` returns a reason, or a definite answer repeats (an HTTP 4xx, a close right after the
 * handshake): waiting will not change those. Backoff grows from 50 ms to 100 ms: a refused attempt costs little.
 */
async function waitForHandshake(target, options) {
    const start = performance.now();
    const settleMs = options.settleMs ?? 100;
    const definiteAttempts = options.definiteAttempts ?? 3;
    const definiteAfterMs = options.definiteAfterMs ?? 1000;
    const fallback = options.fallbackSubprotocols ?? [];
    const candidates = candidateAddresses(new URL(target.url).hostname).map((c) => c.pinned);
    const counts = new Map();
    let streak = null;
    let offered = target.subprotocols;
    let refusedWithout = null;
    let attempts = 0;
    let delay = 50;
    const elapsed = () => performance.now() - start;
    for (;;) {
        for (const pinned of candidates) {
            const remaining = options.timeoutMs - elapsed();
            if (remaining <= 0)
                break;
            const reason = options.gaveUp?.();
            if (reason)
                throw new NotReadyError(reason, 'gave-up');
            if (options.signal.aborted)
                throw new NotReadyError('stopped while waiting for the server to accept a handshake', 'stopped');
            const connectTimeoutMs = Math.max(1, Math.min(target.connectTimeoutMs, remaining));
            const attemptTarget = { ...target, subprotocols: offered, connectTimeoutMs, ...(pinned ? { pinned } : {}) };
            attempts += 1;
            const outcome = await attempt(attemptTarget, connectTimeoutMs < target.connectTimeoutMs, settleMs, options.signal);
            if (outcome === null) {
                const ready = {
                    target: { ...target, subprotocols: offered, ...(pinned ? { pinned } : {}) },
                    afterMs: elapsed(),
                    attempts,
                };
                if (refusedWithout)
                    ready.note = `${refusedWithout.text} without a subprotocol; it accepted ${offered.join(', ')}`;
                return ready;
            }
            if (outcome.key === 'tls')
                throw new NotReadyError(tlsFailureText(target.url, outcome.text.replace(/^tls: /, '')), 'tls');
            if (outcome.cut)
                continue;
            const seen = counts.get(outcome.key) ?? { text: outcome.text, n: 0 };
            seen.n += 1;
            seen.text = outcome.text;
            counts.set(outcome.key, seen);
            if (offered.length === 0 && fallback.length > 0 && wantsSubprotocol(outcome)) {
                // Not a failure yet: the next attempts offer the known subprotocols.
                refusedWithout = outcome;
                offered = fallback;
                streak = null;
                continue;
            }
            streak =
                streak !== null && streak.key === outcome.key ? { ...streak, n: streak.n + 1 } : { key: outcome.key, n: 1, sinceMs: elapsed() };
            if (isDefinite(outcome) && streak.n >= definiteAttempts && elapsed() - streak.sinceMs >= definiteAfterMs) {
                const text = definiteFailureText(target.url, offered, outcome, { attempts: streak.n, overMs: elapsed() - streak.sinceMs });
                throw new NotReadyError(refusedWithout ? `${text} (without a subprotocol: ${refusedWithout.text})` : text, outcome.close ? 'closes-at-once' : 'http');
            }
        }
        const reason = options.gaveUp?.();
        if (reason)
            throw new NotReadyError(reason, 'gave-up');
        const remaining = options.timeoutMs - elapsed();
        if (remaining <= 0) {
            throw new NotReadyError(`the server did not accept a WebSocket handshake at ${target.url} within ${Math.round(options.timeoutMs / 1000)} s (${attempts} ` +
                `attempts; ${failureSummary(counts)})`, 'timeout');
        }
        try {
            await (0,external_node_timers_promises_namespaceObject.setTimeout)(Math.min(delay, remaining), undefined, { signal: options.signal });
        }
        catch {
            throw new NotReadyError('stopped while waiting for the server to accept a handshake', 'stopped');
        }
        delay = Math.min(delay * 2, 100);
    }
}
/** One handshake: null when it opened and stayed open `settleMs` (then closed cleanly), else what happened. */
async function attempt(target, budgetCut, settleMs, signal) {
    const result = await openConnection(target, signal);
    if (!result.ok) {
        // An attempt whose timeout the remaining budget shortened says nothing about the server.
        const cut = budgetCut && result.failure === 'timeout';
        return {
            key: result.failure,
            text: `${result.failure}: ${result.message}`,
            ...(result.response ? { response: result.response } : {}),
            cut,
        };
    }
    const close = await closedWithin(result.ws, settleMs, signal);
    // A drop (1006) or a failure code (1011, ...) is the server's fault, for the scenarios to measure; a deliberate
    // close (4406, 4401, 1008, ...) answers something about the client that waiting will not change.
    if (close === null || !isDeliberateClose(close.code)) {
        await closeConnection(result.ws, 'clean', target.closeTimeoutMs);
        return null;
    }
    await closeConnection(result.ws, 'abrupt', target.closeTimeoutMs);
    return { key: `closes-${close.code}`, text: `closed at once with ${closeWords(close)}`, close, cut: false };
}
/** The server's close if it arrives within `ms`, else null (the connection is left open). */
function closedWithin(ws, ms, signal) {
    return new Promise((resolve) => {
        const done = (value) => {
            clearTimeout(timer);
            ws.off('close', onClose);
            signal.removeEventListener('abort', onAbort);
            resolve(value);
        };
        function onClose(code, reason) {
            done({ code, reason: reason.toString('utf8') });
        }
        function onAbort() {
            done(null);
        }
        const timer = setTimeout(() => done(null), ms);
        ws.once('close', onClose);
        if (ws.readyState === ws.CLOSED)
            done(earlyClose(ws) ?? { code: 1006, reason: '' });
        signal.addEventListener('abort', onAbort, { once: true });
    });
}
/** HTTP answers that will not change while the server starts: client errors, except timeouts and rate limits. */
function isDefinite(outcome) {
    if (outcome.close)
        return isDeliberateClose(outcome.close.code);
    const status = outcome.response?.status ?? Number(/^http-(\d{3})$/.exec(outcome.key)?.[1] ?? 0);
    return status >= 400 && status < 500 && status !== 408 && status !== 429;
}
/** A refusal or a close that servers give when the client offered no subprotocol they speak. */
function wantsSubprotocol(outcome) {
    if (outcome.close)
        return outcome.close.code === 4406 || outcome.close.code === 1002 || /protocol/i.test(outcome.close.reason);
    const status = outcome.response?.status ?? 0;
    return status === 400 || status === 406 || status === 426;
}
/** `code 4406 "Subprotocol not acceptable"`. */
function closeWords(close) {
    return `code ${close.code}${close.reason ? ` ${JSON.stringify(close.reason.slice(0, 200))}` : ' (no reason given)'}`;
}
/** The subprotocol a refusal names (in its Sec-WebSocket-Protocol header or its body), or null. */
function askedSubprotocol(response) {
    if (response.protocolHeader)
        return response.protocolHeader.trim();
    const named = /(?:sub-?)?protocols?\b[^:\n]{0,40}?:\s*["'`]?([A-Za-z0-9][A-Za-z0-9._+-]*(?:\s*,\s*[A-Za-z0-9][A-Za-z0-9._+-]*)*)/i.exec(response.body);
    return named?.[1] ?? null;
}
/**
 * The sentence for a definite answer that repeated: what the server said and its likely cause (wrong path,
 * missing credentials, a subprotocol it requires, or a server that closes every connection right away).
 */
function definiteFailureText(url, offered, outcome, seen) {
    const over = `${seen.attempts} attempts over ${(seen.overMs / 1000).toFixed(1)} s`;
    if (outcome.close) {
        const close = outcome.close;
        let cause = "check the server's log for why";
        if (close.code === 4406 || close.code === 1002 || /protocol/i.test(close.reason)) {
            cause =
                offered.length > 0
                    ? `it does not accept the subprotocols offered (${offered.join(', ')})`
                    : 'it wants a subprotocol: offer it with subprotocols (graphql-transport-ws for graphql-ws), or set protocol: auto';
        }
        else if (close.code === 1008 || close.code === 4401 || close.code === 4403 || /auth|token|forbidden|credential/i.test(close.reason)) {
            cause = 'it refuses the client: add the credentials it expects with headers';
        }
        return (`the server accepts the WebSocket handshake at ${url} but closes every connection right away (${closeWords(close)}; ` +
            `${over}): ${cause}`);
    }
    const response = outcome.response;
    const status = response?.status ?? Number(/^http-(\d{3})$/.exec(outcome.key)?.[1] ?? 0);
    const body = response?.body.replace(/\s+/g, ' ').trim() ?? '';
    const said = body ? ` ${JSON.stringify(body.slice(0, 120))}` : '';
    const head = `the server answered HTTP ${status}${said} to every WebSocket handshake at ${url} (${over})`;
    const path = new URL(url).pathname + new URL(url).search;
    const asked = response ? askedSubprotocol(response) : null;
    if (asked || (status === 400 && /protocol/i.test(body))) {
        const which = asked ? `: it asks for ${asked}; set subprotocols: ${asked}` : ': offer the one it expects with subprotocols';
        const refused = offered.length > 0 ? ` (offered: ${offered.join(', ')})` : '';
        return `${head}: it requires a subprotocol${refused}${which}`;
    }
    if (status === 404 || status === 410) {
        return `${head}: the path ${path} is likely wrong; check the URL's path (Socket.IO listens on /socket.io/?EIO=4&transport=websocket)`;
    }
    if (status === 401 || status === 403 || status === 407) {
        return `${head}: it wants credentials; add them with headers (for example Authorization: Bearer …) or check the ones given`;
    }
    if (status === 400 || status === 426) {
        const none = offered.length === 0 ? 'none was offered' : `offered: ${offered.join(', ')}`;
        return `${head}: it rejects the handshake; it may require a subprotocol (${none}; set subprotocols), a header, or another path`;
    }
    return `${head}: waiting will not change a ${status}`;
}
/**
 * `most frequent: reset: socket hang up (290 of 293)`, from the counted (not budget-cut) failures. Refusals are
 * what a server that is still starting gives: once any attempt got further, the summary is about those attempts.
 */
function failureSummary(counts) {
    const answered = [...counts.entries()].filter(([key]) => key !== 'refused');
    const pool = answered.length > 0 ? answered.map(([, entry]) => entry) : [...counts.values()];
    let top = null;
    let total = 0;
    for (const entry of pool) {
        total += entry.n;
        if (!top || entry.n > top.n)
            top = entry;
    }
    if (!top)
        return 'no attempt completed';
    const refused = answered.length > 0 ? (counts.get('refused')?.n ?? 0) : 0;
    const before = refused > 0 ? `, after ${refused} refused while the port was not yet listening` : '';
    return `most frequent: ${top.text} (${top.n} of ${total}${before})${summaryHint(top.text)}`;
}
/** What the most frequent failure suggests, when it suggests something. */
function summaryHint(failure) {
    if (/socket hang up/i.test(failure)) {
        return ('; the server takes the TCP connection but hangs up on the upgrade request: likely a wrong path (Socket.IO listens on ' +
            '/socket.io/?EIO=4&transport=websocket)');
    }
    if (failure.startsWith('refused'))
        return '; nothing listens on the port: check the port and that the server binds 127.0.0.1';
    if (failure.startsWith('timeout'))
        return '; the server takes the TCP connection but never answers the upgrade request';
    return '';
}
/** The sentence for a server command that exited before the server accepted a handshake. */
function exitBeforeReadyText(exit) {
    if (exit.signal)
        return `the server was killed by signal ${exit.signal} before accepting a handshake`;
    if (exit.code === 0) {
        return ('the server command exited (code 0) before accepting a handshake: the server command must keep running in the foreground (no ' +
            'trailing &, nohup, setsid or daemon mode)');
    }
    return `the server crashed before accepting a handshake (exit code ${exit.code})`;
}
/** Why a wss:// handshake failed, with what to change. */
function tlsFailureText(url, message) {
    const plain = /wrong version number|EPROTO|packet length too long/i.test(message);
    const hint = plain
        ? 'the server does not speak TLS on this port: use a ws:// URL'
        : 'set ca-file to the PEM file of the CA that signed its certificate, or insecure-tls: true for a loopback test server';
    return `the TLS handshake with ${url} failed: ${message} (${hint})`;
}

;// CONCATENATED MODULE: ./src/phases/startup.ts
// Startup: the address, the server (launched or attached), the first handshake, the tree and its sampler.












const startup = {
    name: 'startup',
    enabled: () => true,
    async run(run) {
        const { config } = run;
        const launching = config.server.command !== null;
        const url = launching ? await launch(run) : attachTo(run);
        const chosen = chosenAdapter(config.client.protocol);
        // A chosen protocol's subprotocol is offered from the first handshake: graphql-ws refuses one without it.
        const ready = await handshake(run, chosen ? targetFor(targetOf(config, url), chosen) : targetOf(config, url));
        run.serverInfo.readyAfterMs = Math.round(ready.afterMs);
        const attempts = `${ready.attempts} handshake attempt${ready.attempts === 1 ? '' : 's'}`;
        run.progress(`✓ ready after ${(ready.afterMs / 1000).toFixed(1)} s (${attempts})${ready.note ? `; ${ready.note}` : ''}`);
        run.target = ready.target;
        // Detecting the protocol listens up to 500 ms for a server that speaks first: it runs alongside the warm-up.
        run.protocolSettled = settleProtocol(run, ready.target, chosen);
        if (!launching)
            await findAttachedPid(run, url);
        await startSampling(run);
        await findHeapTarget(run);
    },
};
/** Picks the port, refuses a port already taken, spawns the command and watches it for an early exit. */
async function launch(run) {
    const { config } = run;
    let url = config.client.url;
    const env = { ...config.server.env };
    if (portOf(url) === 0) {
        const port = await pickFreePort();
        url = withPort(url, port);
        env.PORT ??= String(port);
    }
    run.serverInfo.url = url;
    const squatter = await existingListener(url);
    if (squatter) {
        throw new StopRun({
            phase: 'startup',
            reason: 'startup-failed',
            message: `something already answers on ${squatter}: stop it or choose another port in 'url' (the gate would test the wrong process)`,
        });
    }
    const logPath = run.serverLogPath;
    run.serverInfo.logPath = logPath;
    run.progress(`▶ startup: launching \`${config.server.command}\` (log: ${logPath})`);
    const launchEnv = await prepareHeap(run, env);
    const server = await run.launcher({
        command: config.server.command,
        cwd: (0,external_node_path_namespaceObject.resolve)(config.server.workingDirectory),
        env: launchEnv,
        logPath,
    });
    run.server = server;
    run.serverInfo.pid = server.pid;
    run.serverInfo.pidSource = 'launched';
    server.onUnexpectedExit((exit) => {
        run.serverInfo.exit = { ...exit, phase: run.phase, atMs: run.elapsed() };
        // Exit code 0 before the first handshake is a start script that does not stay in the foreground, not a crash.
        if (run.serverInfo.readyAfterMs === null && exit.code === 0)
            run.stop('startup-failed', exitBeforeReadyText(exit));
        else
            run.stop('crash', `the server exited during ${run.phase} with ${describeExit(exit)}`);
    });
    return url;
}
function attachTo(run) {
    run.progress(`▶ startup: attaching to ${run.config.client.url}`);
    return run.config.client.url;
}
function targetOf(config, url) {
    return {
        url,
        headers: config.client.headers,
        subprotocols: config.client.subprotocols,
        connectTimeoutMs: config.client.connectTimeoutMs,
        closeTimeoutMs: config.client.closeTimeoutMs,
        ca: config.client.ca,
        rejectUnauthorized: !config.client.insecureTls,
    };
}
async function handshake(run, target) {
    try {
        return await waitForHandshake(target, {
            timeoutMs: run.config.server.startupTimeoutMs,
            signal: run.signal,
            gaveUp: () => (run.serverInfo.exit ? exitBeforeReadyText(run.serverInfo.exit) : null),
            // With protocol auto and no subprotocol set, a server that asks for a known one gets it (graphql-ws: 4406).
            fallbackSubprotocols: run.config.client.protocol === 'auto' && target.subprotocols.length === 0 ? knownSubprotocols() : [],
        });
    }
    catch (err) {
        if (err instanceof NotReadyError && !run.stopped) {
            const crashed = run.serverInfo.exit !== null && run.serverInfo.exit.code !== 0;
            throw new StopRun({ phase: 'startup', reason: crashed ? 'crash' : 'startup-failed', message: err.message });
        }
        throw err;
    }
}
/**
 * The protocol every connection of the run speaks: the one chosen, or the one the server's behaviour shows (auto);
 * the target offers its subprotocol from now on, so load connections close as cleanly as recovery's.
 */
async function settleProtocol(run, ready, chosen) {
    if (chosen) {
        run.target = ready;
        run.serverInfo.protocol = { id: chosen.id, why: 'set by the protocol input' };
        return;
    }
    try {
        const detected = await detectProtocol(ready, { signal: run.signal });
        run.target = detected.target;
        run.serverInfo.protocol = { id: detected.id, why: detected.why };
        run.progress(`  protocol ${detected.id}: ${detected.why}`);
    }
    catch (err) {
        // The run stopped meanwhile, or the server went away: the stop says why; raw is what the gate then spoke.
        run.serverInfo.protocol = { id: 'raw', why: `detection did not finish (${err.message})` };
    }
}
/** Attach mode: the pid given, or the owner of the listening port. */
async function findAttachedPid(run, url) {
    if (run.serverInfo.pid === null) {
        const owner = await findPortOwner(portOf(url));
        if (owner !== null) {
            run.serverInfo.pid = owner;
            run.serverInfo.pidSource = 'port-owner';
        }
    }
    run.server = new AttachedServer(run.serverInfo.pid);
}
/** Lists the tree once for the report, then samples it for the rest of the run. */
async function startSampling(run) {
    const server = run.server;
    if (!server || server.pid === null)
        return;
    const tree = await server.tree();
    run.serverInfo.processes = await Promise.all(tree.map(async (pid) => ({ pid, command: await commandLine(pid) })));
    run.sampler = new ResourceSampler({
        intervalMs: run.config.sampleIntervalMs,
        listTree: () => server.tree(),
        phase: () => run.phase,
        originMs: run.origin,
    });
    await run.sampler.start();
}

;// CONCATENATED MODULE: ./src/phases/warmup.ts
// Warm-up: a few connections before the idle baseline, so the baseline is not a cold start's.

const warmup = {
    name: 'warmup',
    enabled: (config) => config.warmupConnections > 0,
    describe: (config) => `${config.warmupConnections} connections`,
    async run(run) {
        const spec = { id: 'flapping', clients: 1, cyclesPerClient: run.config.warmupConnections, holdMs: 0, pauseMs: 0 };
        await runLoad(spec, run.requireTarget(), run.signal);
        await run.protocolSettled;
    },
};

;// CONCATENATED MODULE: ./src/phases/index.ts
// The phase table: the order a run goes through. A new scenario is one module and one row here.










// The fault scenarios and hostile run after the retained memory is read and before recovery, which then proves the
// server still serves.
const phases_PHASES = [startup, warmup, baseline, flapping, leak, cooldown, deadPeers, slowConsumer, hostile, recovery_recovery];




;// CONCATENATED MODULE: ./src/version.ts
// The gate's name and version, as reports and the CLI state them (a test keeps it equal to package.json).
const TOOL_NAME = 'ws-resilience-gate';
const TOOL_VERSION = '0.1.0';
/** Where the README lives; warnings link to its sections. */
const TOOL_REPOSITORY_URL = 'https://github.com/ws-resilience-gate/ws-resilience-gate';

;// CONCATENATED MODULE: ./src/analysis/signal-growth.ts
// The exact leak signals as growth from baseline to after cooldown (pure).
const KEYS = ['fds', 'threads', 'processes', 'lingeringConnections', 'sessions'];
/** `platform`: where the signals were read (only Linux has /proc). */
function analyzeSignals(baseline, after, notes, platform) {
    const growth = { fds: null, threads: null, processes: null, lingeringConnections: null, sessions: null };
    for (const key of KEYS) {
        const a = after?.[key] ?? null;
        const b = baseline?.[key] ?? null;
        // Lingering connections should return to zero: the figure is what is left, not a difference.
        growth[key] = key === 'lingeringConnections' ? a : a !== null && b !== null ? a - b : null;
    }
    const allNotes = [...notes];
    if (platform !== 'linux')
        allNotes.push(`fds, threads and lingering connections are read from /proc, which ${platform} does not have`);
    return { baseline, after, growth, notes: [...new Set(allNotes)] };
}

;// CONCATENATED MODULE: ./src/model/redact.ts
// Keeps secrets (header values) out of reports, even when the server prints or echoes them back.
/** Secrets shorter than this are not searched for: replacing "1" everywhere would wreck the report. */
const MIN_SECRET_LENGTH = 4;
/** A deep copy of `value` with every occurrence of each secret in every string replaced by ***. */
function redactSecrets(value, secrets) {
    const wanted = [...new Set(secrets.filter((s) => s.length >= MIN_SECRET_LENGTH))].sort((a, b) => b.length - a.length);
    if (wanted.length === 0)
        return value;
    const redact = (text) => wanted.reduce((t, secret) => t.split(secret).join('***'), text);
    const walk = (v) => {
        if (typeof v === 'string')
            return redact(v);
        if (Array.isArray(v))
            return v.map(walk);
        if (v && typeof v === 'object')
            return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
        return v;
    };
    return walk(value);
}

;// CONCATENATED MODULE: ./src/run/assemble.ts
// The Report from what a run measured (pure): memory and signal figures, checks, verdict.





function assembleReport(config, m, probes, facts) {
    const launching = config.server.command !== null;
    const memory = m.server.pid === null
        ? {
            ...analyzeMemory([], config.sampleIntervalMs),
            reason: launching
                ? 'the server never started'
                : 'attached without a known pid: the owner of the port was not found; set server-pid',
        }
        : analyzeMemory(probes.samples, config.sampleIntervalMs, m.trendPoints, probes.probeWindows, heapGrowthBytes(m.heap));
    const signals = analyzeSignals(probes.signals.baseline, probes.signals.after, probes.signals.notes, facts.platform);
    const checks = runChecks(config, { ...m, memory, signals });
    const report = {
        schemaVersion: REPORT_SCHEMA_VERSION,
        tool: facts.tool,
        startedAt: facts.startedAt,
        durationMs: facts.durationMs,
        environment: facts.environment,
        config: facts.configDescription,
        server: m.server,
        phases: m.phases,
        stopped: m.stopped,
        scenarios: { flapping: m.flapping, leak: m.leak, recovery: m.recovery, ...(m.hostile.enabled ? { hostile: m.hostile } : {}) },
        memory,
        signals,
        ...(m.heap ? { heap: m.heap } : {}),
        ...(m.faults.network || m.faults.deadPeers || m.faults.slowConsumer ? { faults: m.faults } : {}),
        checks,
        verdict: verdictOf(checks),
    };
    // A server may print or echo a header value back; the report must not carry it.
    return redactSecrets(report, Object.values(config.client.headers));
}
/** The heap's growth after a full GC from the first to the last snapshot (array buffers included); null without one. */
function heapGrowthBytes(heap) {
    if (heap?.status !== 'measured' || heap.snapshots.length < 2)
        return null;
    return heap.snapshots.at(-1).heapBytes - heap.snapshots[0].heapBytes;
}

;// CONCATENATED MODULE: ./src/run/runner.ts
// Runs the phase table under one stop and one deadline, always tears down, and returns the Report.









async function runGate(config, options = {}) {
    const temporaryLog = config.server.logPath === null;
    const serverLogPath = (0,external_node_path_namespaceObject.resolve)(options.serverLogPath ?? config.server.logPath ?? defaultLogPath());
    const run = new RunContext(config, { progress: options.onProgress, serverLogPath, launcher: options.launcher });
    // The CLI and the action abort with the signal's name as the reason.
    const onCancel = () => {
        const reason = options.signal?.reason;
        run.stop('cancelled', `${typeof reason === 'string' ? reason : 'SIGINT or SIGTERM'} received`);
    };
    if (options.signal?.aborted)
        onCancel();
    options.signal?.addEventListener('abort', onCancel, { once: true });
    const deadline = setTimeout(() => run.stop('timeout', `the run exceeded timeout-s (${config.timeoutMs / 1000} s)`), config.timeoutMs);
    try {
        for (const phase of options.phases ?? phases_PHASES) {
            run.throwIfStopped();
            if (!phase.enabled(config))
                continue;
            run.enter(phase.name, phase.describe?.(config));
            await phase.run(run);
        }
        run.throwIfStopped();
    }
    catch (err) {
        const internal = { phase: run.phase, reason: 'error', message: `internal error: ${err.stack ?? String(err)}` };
        run.recordStop(err instanceof StopRun ? err.info : internal);
    }
    finally {
        clearTimeout(deadline);
        options.signal?.removeEventListener('abort', onCancel);
        await teardown(run);
    }
    const report = assembleReport(config, run.measurements(), {
        samples: run.sampler?.samples ?? [],
        signals: run.exactSignals?.readings() ?? { baseline: null, after: null, notes: [] },
        probeWindows: run.probeWindows,
    }, factsOf(run, options));
    // A log the user did not ask for is kept only when the run failed: the report shows its tail and names it then.
    if (temporaryLog && report.verdict !== 'fail' && report.server.logPath !== null) {
        await (0,promises_namespaceObject.rm)(report.server.logPath, { force: true });
        return { ...report, server: { ...report.server, logPath: null } };
    }
    return report;
}
/** Stops the sampler and the server tree; what survived goes into the report. Runs on every path. */
async function teardown(run) {
    const stopped = run.stopped;
    const line = stopped && `${AFTER_STOP[stopped.reason]}${stopped.reason === 'startup-failed' ? '' : ` during ${run.phase}`}`;
    run.enter('teardown', line ?? (run.server?.mode === 'attach' ? 'leaving the attached server running' : 'stopping the server'));
    // Nothing that fails here may keep the server tree from being stopped below.
    await closeNetwork(run).catch((err) => run.progress(`⚠ closing the fault proxy failed: ${err.message}`));
    await run.sampler?.stop();
    run.results.heap = await finishHeap(run).catch((err) => heapEvidenceWithout('skipped', `reading the heap snapshots failed: ${err.message}`, null));
    const server = run.server;
    if (server) {
        const graceMs = run.config.server.shutdownGraceMs;
        const survivors = await server.stop(graceMs);
        Object.assign(run.serverInfo, { survivors, logTail: server.logTail(), pidsSeen: server.pidsSeen() });
        if (server.killedAfterGrace) {
            run.serverInfo.killedAfterGrace =
                `the server did not exit within shutdown-grace-s (${graceMs / 1000} s) of SIGTERM and was killed (SIGKILL): ` +
                    'its own shutdown did not finish, so its log may end early (a longer shutdown-grace-s lets it)';
            run.progress(`⚠ ${run.serverInfo.killedAfterGrace}`);
        }
        if (survivors.length > 0)
            run.progress(`⚠ processes of the server tree survived teardown: ${survivors.join(', ')}`);
        // A server that left the tree (setsid, a daemon, a backgrounded start script) still holds the port.
        const left = server.mode === 'launch' ? await listenerAfterTeardown(run.serverInfo.url) : null;
        if (left) {
            if (left.pid !== null && !survivors.includes(left.pid))
                run.serverInfo.survivors = [...survivors, left.pid];
            run.serverInfo.leftListening = leftListeningText(left);
            run.progress(`⚠ ${run.serverInfo.leftListening}`);
        }
    }
    run.close();
}
function factsOf(run, options) {
    return {
        tool: { name: TOOL_NAME, version: TOOL_VERSION },
        environment: {
            os: process.platform,
            arch: process.arch,
            node: process.version,
            runnerOs: null,
            commit: null,
            workflow: null,
            job: null,
            ...options.environment,
        },
        startedAt: run.startedAt,
        durationMs: run.elapsed(),
        platform: process.platform,
        configDescription: options.configDescription ?? {},
    };
}
let logsNamed = 0;
/** A fresh file in the runner's temp directory: two runs in one process (base rounds) never share one. */
function defaultLogPath() {
    logsNamed += 1;
    return (0,external_node_path_namespaceObject.join)(process.env.RUNNER_TEMP || (0,external_node_os_namespaceObject.tmpdir)(), `ws-resilience-server-${process.pid}-${Date.now()}-${logsNamed}.log`);
}

;// CONCATENATED MODULE: ./src/run/base-compare.ts
// Runs the gate with a comparison against the base branch: a report from an earlier run, or the base
// server gated in this same job, in rounds alternating with this run's.



/** Runs the gate, and the base when configured; returns this run's report with the comparison attached. */
async function runGateWithBaseCompare(config, options = {}) {
    const { reportPath, serverCommand, rounds, maxRegressionPercent, level } = config.baseCompare;
    const compare = (source) => ({ maxRegressionPercent, level, warnOnly: config.warnOnly, source });
    if (reportPath !== null) {
        const current = await runGate(config, options);
        const source = `the base report ${reportPath}`;
        try {
            return withComparison(current, [await readJsonReport(reportPath, 'baseline-report')], compare(source));
        }
        catch (err) {
            // A missing or unreadable base is said in the report (and so in the comment), never compared silently.
            return { ...current, comparison: { source, skipped: err.message, maxRegressionPercent, metrics: [] } };
        }
    }
    if (serverCommand === null)
        return runGate(config, options);
    const baseConfig = {
        ...config,
        server: { ...config.server, command: serverCommand },
        baseCompare: { ...config.baseCompare, reportPath: null, serverCommand: null },
    };
    const progress = options.onProgress ?? (() => { });
    const log = config.server.logPath;
    // Each round keeps its own log; server-log itself holds the log of the run the report is about (the last one).
    const logOf = (side, round) => {
        if (log === null)
            return {};
        if (side === 'base')
            return { serverLogPath: `${log}.base-round-${round}` };
        return round === rounds ? {} : { serverLogPath: `${log}.round-${round}` };
    };
    const bases = [];
    const currents = [];
    // Alternating base and this run spreads any drift of the runner (other jobs, thermal) over both sides.
    for (let round = 1; round <= rounds && !options.signal?.aborted; round++) {
        const tag = rounds > 1 ? ` ${round}/${rounds}` : '';
        const base = { ...options, ...logOf('base', round), onProgress: (line) => progress(`[base${tag}] ${line}`) };
        bases.push(await runGate(baseConfig, base));
        if (options.signal?.aborted)
            break;
        const current = { ...options, ...logOf('this', round), onProgress: (line) => progress(`[this run${tag}] ${line}`) };
        currents.push(await runGate(config, current));
    }
    // Cancelled before this run's first round: the report says so (runGate stops at once on an aborted signal).
    const current = currents.at(-1) ?? (await runGate(config, options));
    const source = `the base server (baseline-server-command), ${bases.length} round${bases.length === 1 ? '' : 's'} in this job`;
    return withComparison(current, bases, compare(source), currents.length > 0 ? currents : [current]);
}

;// CONCATENATED MODULE: ./src/run/cancel.ts
// SIGINT and SIGTERM during a run: tear down and report, for both faces (the action and the CLI).
/**
 * Runs `body` with an AbortSignal that SIGINT or SIGTERM aborts (a cancelled workflow sends SIGINT, then SIGTERM).
 * `onSignal` hears the first signal only; the handlers are removed on every path.
 */
async function withCancelSignals(onSignal, body) {
    const cancel = new AbortController();
    let cancelledBy = null;
    const handle = (signal) => {
        if (cancelledBy)
            return;
        cancelledBy = signal;
        onSignal(signal);
        // The signal's name is the reason: the report says which one stopped the run.
        cancel.abort(signal);
    };
    process.on('SIGINT', handle);
    process.on('SIGTERM', handle);
    try {
        const result = await body(cancel.signal);
        return { result, cancelledBy };
    }
    finally {
        process.off('SIGINT', handle);
        process.off('SIGTERM', handle);
    }
}
/** The CLI's exit status after a cancel: 128 + the signal's number. */
function cancelExitCode(signal) {
    return signal === 'SIGINT' ? 130 : 143;
}

;// CONCATENATED MODULE: ./src/report/faults.ts
// The Faults section in words (pure): what the proxy injected, how the server handled dead peers and a slow consumer.

/** One sentence per part of the Faults section that ran; empty when none did. */
function faultLines(report) {
    const faults = report.faults;
    if (!faults)
        return [];
    const lines = [];
    const n = faults.network;
    if (n) {
        const toxics = n.toxics.map((t) => `${t.toxic} ${t.direction} ${Object.entries(t.params)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')}`);
        lines.push(`network: ${n.spec} (${toxics.join('; ')}), ${n.connections} connections through the proxy, ${n.resets} reset on purpose`);
    }
    const d = faults.deadPeers;
    if (d) {
        const reap = d.reapMs ? `, reaped after ${formatMs(d.reapMs.p50)} (p50) to ${formatMs(d.reapMs.max)} (max)` : '';
        const open = d.stillOpen > 0 ? `; ${d.stillOpen} still open after ${Math.round(d.timeoutMs / 1000)} s` : '';
        lines.push(`dead peers: ${d.silenced} of ${d.clients} clients went silent, ${d.reaped} reaped${reap}${open}`);
    }
    const s = report.faults?.slowConsumer;
    if (s) {
        const reaction = s.serverClosed
            ? 'the server closed the slow client'
            : s.serverPausedReading
                ? 'the server stopped reading it'
                : 'the server kept reading and writing';
        const wrote = formatMb(s.serverBytesWhilePaused);
        lines.push(`slow consumer (${s.mode}): ${s.messagesSent} messages sent, the server wrote ${wrote} towards it while it did not read; ` +
            `${reaction}; memory ${formatMbDelta(s.memoryGrowthBytes)}`);
    }
    return lines;
}

;// CONCATENATED MODULE: ./src/report/escape.ts
// Escaping of text that came from the server or the user before it reaches Markdown, HTML or a terminal.
/** Longest inline text (in characters of the original) kept by default; table cells stay readable. */
const DEFAULT_INLINE_MAX = 300;
const ZERO_WIDTH_JOINER = '\u200D';
// CSI sequences (colours, cursor moves) and OSC sequences (titles, hyperlinks) a server may print.
const ANSI_PATTERN = /\u001B\[[0-?]*[ -/]*[@-~]|\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)?|\u001B[@-Z\\-_]/g;
// C0 and C1 controls except tab and newline; carriage returns become newlines first.
const CONTROL_PATTERN = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
// Bidirectional overrides can make a line read differently from what it contains.
const BIDI_PATTERN = /[\u202A-\u202E\u2066-\u2069]/g;
/** Removes ANSI escape sequences, control characters and bidi overrides; keeps tabs and newlines (CR/CRLF become LF). */
function stripControl(text) {
    return text
        .replace(ANSI_PATTERN, '')
        .replace(/\r\n?/g, '\n')
        .replace(/[\u2028\u2029]/g, '\n')
        .replace(CONTROL_PATTERN, '')
        .replace(BIDI_PATTERN, '');
}
/** Cuts text to at most `maxLength` code points, ending with "…" when it cut. */
function truncate(text, maxLength) {
    if (text.length <= maxLength)
        return text;
    const points = Array.from(text);
    if (points.length <= maxLength)
        return text;
    if (maxLength <= 0)
        return '';
    return `${points.slice(0, maxLength - 1).join('')}…`;
}
/** One line of plain text, safe for a terminal or a Markdown code span: no controls, newlines and tabs collapsed, capped. */
function sanitizeText(text, maxLength = DEFAULT_INLINE_MAX) {
    const oneLine = stripControl(String(text)).replace(/[\t\n]+/g, ' ');
    return truncate(oneLine, maxLength);
}
/**
 * Escapes text for inline Markdown (table cells, sentences, list items): one line, capped, with Markdown
 * punctuation backslash-escaped, `& < >` as entities (so they stay inert inside HTML too) and `@mentions` broken
 * by a zero-width joiner so nobody is pinged.
 */
function escapeInline(text, maxLength = DEFAULT_INLINE_MAX) {
    const plain = sanitizeText(text, maxLength);
    const escaped = plain
        .replace(/[\\`*_[\]|~$]/g, (c) => `\\${c}`)
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        // A mention is `@` followed by a name character; the joiner makes GitHub see no name after the `@`.
        .replace(/@(?=[\p{L}\p{N}_-])/gu, `@${ZERO_WIDTH_JOINER}`);
    // Block markers only matter at the start of a line (a list item or paragraph built from this text).
    return escaped.replace(/^(\s*)(#{1,6}|[+-]|\d{1,9}[.)])(?=\s|$)/, (_m, space, marker) => {
        return `${space}${marker.slice(0, -1)}\\${marker.slice(-1)}`;
    });
}
/** Escapes text for HTML contexts where Markdown is not parsed (e.g. inside `<summary>`). Also breaks mentions. */
function escapeHtml(text, maxLength = DEFAULT_INLINE_MAX) {
    return sanitizeText(text, maxLength)
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;')
        .replace(/'/g, '&#39;')
        .replace(/@(?=[\p{L}\p{N}_-])/gu, `@${ZERO_WIDTH_JOINER}`);
}
/** The length of the longest run of backticks in text (0 when there is none). */
function longestBacktickRun(text) {
    let longest = 0;
    for (const match of text.matchAll(/`+/g))
        longest = Math.max(longest, match[0].length);
    return longest;
}
/**
 * A fenced code block holding text verbatim. The fence is longer than any backtick run inside (at least 3), so the
 * content cannot close it; inside a fence HTML is inert (even `</details>`) and mentions do not ping.
 */
function codeBlock(text, lang = '') {
    const body = stripControl(text);
    const fence = '`'.repeat(Math.max(3, longestBacktickRun(body) + 1));
    // An info string may not contain backticks; keep it to a plain language name.
    const info = lang.replace(/[^\w+.#-]/g, '');
    const newline = body === '' || body.endsWith('\n') ? '' : '\n';
    return `${fence}${info}\n${body}${newline}${fence}`;
}

;// CONCATENATED MODULE: ./src/report/hostile.ts
// The hostile scenario as Markdown (pure): one row per case, what RFC 6455 asks next to what the server did.



/** The table's header cells. */
const HOSTILE_HEADER = ['Case', 'RFC 6455 asks', 'Server did', 'As asked', 'Time', 'Memory'];
/** One case as escaped table cells: the server's close reason is its text, so it is escaped like a log line. */
function hostileCells(c) {
    const did = c.detail ? `${outcomeText(c)}: ${c.detail}` : outcomeText(c);
    const asked = c.outcome === 'not-run' ? '➖' : c.matchesRfc ? '✅' : c.outcome === 'crashed' ? '❌' : '⚠️';
    return [
        `${escapeInline(c.title)} (\`${c.id}\`)`,
        escapeInline(c.expected),
        escapeInline(did, 160),
        asked,
        c.outcome === 'not-run' ? '–' : formatMs(c.ms),
        c.memoryGrowthBytes === undefined ? 'n/a' : formatMbDelta(c.memoryGrowthBytes),
    ];
}
/** A line of figures and the table of cases; empty when the scenario did not run. */
function hostileMarkdown(result) {
    if (!result.enabled)
        return '';
    const { tried, succeeded } = result.servedOthersDuringStalls;
    const figures = [
        result.serverSurvived ? 'the server stayed up' : `the server exited during \`${result.crashedDuring ?? '?'}\``,
        result.stillAccepting ? 'kept accepting handshakes' : 'stopped accepting handshakes',
        ...(tried > 0 ? [`${succeeded}/${tried} handshakes served during the stalled ones`] : []),
        `memory ${formatMbDelta(result.memoryGrowthBytes)}`,
        `${(result.durationMs / 1000).toFixed(1)}\u00a0s`,
    ];
    const line = (cells) => `| ${cells.join(' | ')} |`;
    const rows = [line(HOSTILE_HEADER), line(HOSTILE_HEADER.map(() => '---')), ...result.cases.map((c) => line(hostileCells(c)))];
    const notes = result.notes.map((n) => `- ${escapeInline(n)}`);
    return [`**Hostile input**: ${figures.join(', ')}.`, '', ...rows, ...(notes.length > 0 ? ['', ...notes] : [])].join('\n');
}
/** The cases as plain rows for the terminal: case, what RFC 6455 asks, what the server did, as asked. */
function hostileRows(result) {
    return result.cases.map((c) => [
        c.id,
        c.expected,
        c.detail ? `${outcomeText(c)}: ${c.detail}` : outcomeText(c),
        c.outcome === 'not-run' ? '–' : c.matchesRfc ? 'yes' : 'no',
    ]);
}
/** The terminal table's header. */
const HOSTILE_TERMINAL_HEADER = ['Hostile case', 'RFC 6455 asks', 'Server did', 'As asked'];

;// CONCATENATED MODULE: ./src/report/typeset.ts
// Typesetting of figures that reach the renderers as text (check limits and measured values built in analysis).

// A number followed by a space and a unit we print; "MB" and "KB" are computed as 1024-based, so they become MiB and KiB.
const NUMBER_UNIT = /(\d)[ \u00A0](%|MiB|MB|KiB\/conn|KB\/conn|KB|ms|s|points?)(?![\p{L}\p{N}])/gu;
const UNIT_NAMES = { MB: 'MiB', KB: 'KiB', 'KB/conn': 'KiB/conn' };
/**
 * Normalises text built by the analysis: `>=`/`<=` become `≥`/`≤`, `->` becomes `→`, MB/KB become MiB/KiB and
 * a number keeps its unit with a non-breaking space. Once limits are data (`{op, value, unit}`), only measured text
 * needs this.
 */
function typeset(text) {
    return (text
        .replace(/>=/g, '≥')
        .replace(/<=/g, '≤')
        .replace(/\s*->\s*/g, ` ${ARROW} `)
        .replace(NUMBER_UNIT, (_m, digit, unit) => `${digit}${NBSP}${UNIT_NAMES[unit] ?? unit}`)
        .replace(/±[ ](?=\d)/g, `±${NBSP}`)
        // No change is ±0, as the formatters write it, not +0.
        .replace(/(?<![\w.])\+0(?![\d.])/g, '±0'));
}

;// CONCATENATED MODULE: ./src/report/sentences.ts
// Format-neutral sentences about a Report (verdict, key figures, stop, recovery, trend, failure kinds), shared by
// the Markdown and terminal renderers; a TextStyle decides how text is escaped and emphasised.




/** Markdown: escaped inline text, bold with `**`. */
const MARKDOWN_STYLE = { esc: (t) => escapeInline(t), strong: (t) => `**${t}**` };
/** Terminal: one sanitised line, no emphasis. */
const PLAIN_STYLE = { esc: (t) => sanitizeText(t), strong: (t) => t };
const PROBLEMS_IN_RECOVERY_LINE = 3;
const KINDS_SHOWN = 4;
const INVERSE_OPERATOR = { '≥': '<', '≤': '>', '>': '≤', '<': '≥', '==': '≠', '=': '≠' };
/** "n word" or "n words". */
function plural(n, word) {
    return `${n}${NBSP}${word}${n === 1 ? '' : 's'}`;
}
/** "Connect success rate" -> "connect success rate", but "TCP sockets" stays as it is. */
function lowerFirst(text) {
    const [first = '', second = ''] = text;
    return second !== '' && second === second.toUpperCase() && /\p{L}/u.test(second) ? text : first.toLowerCase() + text.slice(1);
}
/** The check's limit as printed: `≥ 80 %`, `≤ 50 MiB`; from its threshold, or its text in a report that has none. */
function limitText(check) {
    return check.threshold ? formatThreshold(check.threshold) : typeset(check.limit);
}
/** The check's measured figure as printed. */
function measuredText(check) {
    return typeset(check.measured);
}
/** How a check missed its limit, in words: "connect success rate 64 % (41/65) < 80 %". */
function describeViolation(check, esc = (t) => t) {
    const title = esc(lowerFirst(check.title));
    const measured = esc(measuredText(check));
    if (check.threshold) {
        const bound = formatThreshold(check.threshold).slice(2);
        return `${title} ${measured} ${check.threshold.op === '<=' ? '>' : '<'} ${esc(bound)}`;
    }
    // A report written before limits were data: its limit text is all there is.
    const match = /^\s*(≥|≤|==|>|<|=)\s*(.*)$/.exec(limitText(check));
    if (match)
        return `${title} ${measured} ${INVERSE_OPERATOR[match[1]] ?? match[1]} ${esc(match[2])}`;
    // A limit without an operator ("all answered") reads better left out: the measured text says it.
    return `${title}: ${measured}`;
}
/** Regression checks repeat the base comparison; renderers show that comparison once, as its own table. */
function isRegressionCheck(check) {
    return check.id.startsWith('regression-');
}
/** The verdict in a few words: "6 of 6 checks passed", "2 of 9 checks failed, 1 warning; 1 not measured". */
function headline(report) {
    const count = (status) => report.checks.filter((c) => c.status === status).length;
    const total = report.checks.length;
    const failed = count('fail');
    const warned = count('warn');
    const notMeasured = count('not-measured');
    const checksWord = total === 1 ? 'check' : 'checks';
    let text = failed > 0 ? `${failed} of ${total} ${checksWord} failed` : `${count('pass')} of ${total} ${checksWord} passed`;
    if (warned > 0)
        text += `, ${plural(warned, 'warning')}`;
    if (notMeasured > 0)
        text += `; ${notMeasured} not measured`;
    if (report.verdict === 'fail' && failed === 0)
        text += '; the run failed';
    return text;
}
function exitText(report) {
    const exit = report.server.exit;
    if (!exit)
        return null;
    return exit.signal ? `signal ${exit.signal}` : exit.code !== null ? `exit code ${exit.code}` : 'no exit code';
}
/** The stop message, unless it only repeats what the sentence already says (the exit code, the phase). */
function addedMessage(message, said) {
    const trimmed = message.trim();
    if (trimmed === '')
        return '';
    const normalise = (t) => t.toLowerCase().replace(/[^a-z0-9]+/g, ' ');
    const words = normalise(trimmed)
        .split(' ')
        .filter((w) => w.length > 0 && !['the', 'server', 'exited', 'with', 'during', 'crashed', 'run', 'stopped', 'in'].includes(w));
    const saidWords = new Set(normalise(said).split(' '));
    return words.every((w) => saidWords.has(w)) ? '' : `: ${trimmed}`;
}
/** Where and why the run stopped early (or the server exited), in one sentence; null when it ran to the end. */
function describeStop(report, style = MARKDOWN_STYLE) {
    const { stopped } = report;
    const exit = report.server.exit;
    const how = exitText(report);
    if (!stopped) {
        if (!exit)
            return null;
        return `The server exited during ${style.strong(exit.phase)} (${style.esc(how)}).`;
    }
    const at = (p) => {
        const phase = p(stopped.phase);
        switch (stopped.reason) {
            case 'crash':
                return `The server crashed during ${p(exit?.phase ?? stopped.phase)}${how ? ` (${how})` : ''}`;
            case 'timeout':
                return `The run hit its deadline during ${phase}`;
            case 'cancelled':
                return `The run was cancelled during ${phase}`;
            case 'startup-failed':
                return `The server did not start (${phase})`;
            default:
                return `The run stopped during ${phase} because of an error`;
        }
    };
    const message = addedMessage(stopped.message, at((t) => t));
    return `${at(style.strong)}${message === '' ? '.' : style.esc(message)}`;
}
/** Recovery in one sentence (without a label), e.g. "connected, pings answered 3/3 (RTT p50 0.42 ms), …". */
function describeRecovery(report, esc = (t) => t) {
    const r = report.scenarios.recovery;
    if (!r.enabled)
        return 'disabled';
    if (!r.connected && r.problems.length === 0)
        return 'did not run (the run stopped before it)';
    const parts = [];
    if (r.connected) {
        parts.push(`connected${r.handshakeMs !== null ? ` in ${formatMs(r.handshakeMs)}` : ''}`);
    }
    else {
        parts.push(`did not connect${r.connectFailure ? ` (${esc(r.connectFailure)})` : ''}`);
    }
    const rtt = r.pingRttMs && r.pingRttMs.count > 0 ? ` (RTT p50 ${formatMs(r.pingRttMs.p50)})` : '';
    parts.push(`pings answered ${r.pongsReceived}/${r.pingsSent}${rtt}`);
    const close = r.serverClose ? `${r.serverClose.code}${r.serverClose.reason ? ` "${esc(r.serverClose.reason)}"` : ''}` : null;
    if (r.messagesJudged === false) {
        // A deliberate close on the gate's own default text: responsive, so the messages were not judged.
        parts.push(`messages not judged (the server closed ${close ?? 'the connection'} on the gate's default text)`);
    }
    else {
        parts.push(`messages answered ${r.messagesAnswered}/${r.messagesSent} (expect ${esc(r.expect)})`);
        if (r.connected)
            parts.push(r.closedCleanly ? 'closed cleanly' : close ? `the server closed it (${close})` : 'did not close cleanly');
    }
    if (r.problems.length === 0) {
        parts.push('no problems');
    }
    else {
        parts.push(`${plural(r.problems.length, 'problem')}: ${recoveryProblems(report, esc)}`);
    }
    return parts.join(', ');
}
/** The first recovery problems, "; and N more". */
function recoveryProblems(report, esc) {
    const problems = report.scenarios.recovery.problems;
    const shown = problems.slice(0, PROBLEMS_IN_RECOVERY_LINE).map((p) => esc(p));
    const more = problems.length - shown.length;
    return `${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
}
/** "21.3 ± 2.5 KiB/conn, fitted over 3 readings (35 to 65 connections)", or why there is none. */
function describeTrend(report) {
    const t = report.memory.trend;
    if (!t || t.kbPerConnection === null)
        return 'n/a (fewer than two readings over the leak rounds)';
    const fitted = t.points.slice(t.skipped);
    const heap = report.heap?.status === 'measured' && report.heap.heapKbPerConnection != null;
    const judged = heap ? 'information only: the heap after a full GC is judged; ' : '';
    return (`${formatKibPerConnection(t.kbPerConnection, t.standardErrorKb)} (${judged}RSS), fitted over ${fitted.length} readings ` +
        `(${fitted[0].connections} to ${fitted.at(-1).connections} connections)`);
}
/** "16 × http-503, 3 × timeout" (most frequent first, at most four kinds, then "and N more"). */
function failureKinds(counts, esc = (t) => t) {
    const entries = Object.entries(counts)
        .filter(([, n]) => n > 0)
        .sort((a, b) => b[1] - a[1]);
    const shown = entries.slice(0, KINDS_SHOWN).map(([kind, n]) => `${n}${NBSP}×${NBSP}${esc(kind)}`);
    const rest = entries.slice(KINDS_SHOWN).reduce((sum, [, n]) => sum + n, 0);
    if (rest > 0)
        shown.push(`${rest} more of ${entries.length - KINDS_SHOWN} other kinds`);
    return shown.join(', ');
}
/** The failures of one stage across the load scenarios: "16 × http-503 (flapping); 17 × refused (leak)"; null when none. */
function stageFailures(report, stage, esc = (t) => t) {
    const parts = [];
    for (const s of [report.scenarios.flapping, report.scenarios.leak]) {
        const counts = stage === 'connect' ? s.connectFailures : s.disconnectFailures;
        const kinds = failureKinds(counts, esc);
        if (kinds !== '')
            parts.push(`${kinds} (${s.id})`);
    }
    return parts.length === 0 ? null : parts.join('; ');
}
function loadRate(report, pick) {
    let ok = 0;
    let total = 0;
    for (const s of [report.scenarios.flapping, report.scenarios.leak]) {
        if (!s.enabled)
            continue;
        const [a, b] = pick(s);
        ok += a;
        total += b;
    }
    return total === 0 ? null : ok / total;
}
/** The key figures of a run, each short: "connect 100 %", "clean close 100 %", "retained +1.2 MiB", … */
function keyFigures(report) {
    const figures = [];
    const connect = loadRate(report, (s) => [s.connected, judgedAttempts(s)]);
    const clean = loadRate(report, (s) => [s.cleanDisconnects, judgedCloses(s)]);
    if (connect !== null)
        figures.push(`connect ${formatRate(connect)}`);
    if (clean !== null)
        figures.push(`clean close ${formatRate(clean)}`);
    const m = report.memory;
    if (m.measured && m.retainedGrowthBytes !== null)
        figures.push(`retained ${formatMbDelta(m.retainedGrowthBytes)}`);
    else
        figures.push('memory not measured');
    // The figure the leak verdict judged: the heap's after a full GC for a Node server, else the RSS trend.
    const judged = report.checks.find((c) => c.id === 'leak-per-connection')?.value ?? m.trend?.kbPerConnection ?? null;
    const byHeap = report.heap?.status === 'measured' && report.heap.heapKbPerConnection != null;
    if (judged !== null)
        figures.push(`${byHeap ? 'heap' : 'trend'} ${formatKibPerConnection(judged)}`);
    const r = report.scenarios.recovery;
    if (r.enabled) {
        const ok = r.connected && r.problems.length === 0 && r.pongsReceived === r.pingsSent && r.messagesAnswered === r.messagesSent;
        figures.push(ok ? 'recovered' : r.connected || r.problems.length > 0 ? 'recovery failed' : 'recovery did not run');
    }
    figures.push(`${formatSeconds(report.durationMs)} run`);
    return figures;
}
/** "42.0 MiB → 162.3 MiB": a value before and after. */
function beforeAfter(before, after) {
    return `${before} ${ARROW} ${after}`;
}
/** Memory from baseline to after cooldown, "42.0 MiB → 162.3 MiB after cooldown"; null without both. */
function memoryBeforeAfter(report) {
    const m = report.memory;
    if (m.baselineBytes === null || m.retainedBytes === null)
        return null;
    return `${beforeAfter(formatMb(m.baselineBytes), formatMb(m.retainedBytes))} after cooldown`;
}

;// CONCATENATED MODULE: ./src/report/tables.ts
// Table rows from a Report (checks, scenarios, memory, signals, failures, base comparison, environment), as plain
// cells shared by Markdown and terminal, plus the Markdown table itself.



/** A Markdown table; every cell must already be escaped. */
function table(header, rows) {
    const line = (cells) => `| ${cells.join(' | ')} |`;
    return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
const STATUS_LABEL = {
    pass: '✅ pass',
    warn: '⚠️ warn',
    fail: '❌ fail',
    'not-measured': '➖ not measured',
};
/** "server ready" -> "Server ready": table rows start with a capital. */
function upperFirst(text) {
    return text.charAt(0).toUpperCase() + text.slice(1);
}
const CHECK_HEADER = ['Check', 'Measured', 'Limit', 'Status'];
/** One row per check (title, measured, limit, status), without the regression checks the base table already shows. */
function checkRows(report) {
    return report.checks
        .filter((c) => !isRegressionCheck(c))
        .map((c) => [upperFirst(c.title), measuredText(c), limitText(c), STATUS_LABEL[c.status] ?? c.status]);
}
function latencyTriple(summary) {
    if (!summary || summary.count === 0)
        return 'n/a';
    return `${formatMs(summary.p50)} / ${formatMs(summary.p95)} / ${formatMs(summary.p99)}`;
}
/**
 * Clean closes out of the closes that were tried: connections cut on purpose with terminate() or by the reset
 * toxic are not judged, so they are counted apart ("4/5 (80 %), 5 cut on purpose") and the fraction matches the
 * rate next to it.
 */
function disconnectCell(s) {
    const abrupt = s.abruptDisconnects ?? 0;
    const reset = s.injectedResets?.disconnect ?? 0;
    const apart = [abrupt > 0 ? `${abrupt} cut on purpose` : '', reset > 0 ? `${reset} reset by the network faults` : ''].filter(Boolean);
    return [`${s.cleanDisconnects}/${judgedCloses(s)} (${formatRate(s.disconnectRate)})`, ...apart].join(', ');
}
/** Connections out of the attempts judged; those the reset toxic cut mid-handshake counted apart. */
function connectCell(s) {
    const reset = s.injectedResets?.connect ?? 0;
    const judged = `${s.connected}/${judgedAttempts(s)} (${formatRate(s.connectRate)})`;
    return reset > 0 ? `${judged}, ${reset} reset by the network faults` : judged;
}
const SCENARIO_HEADER = [
    'Scenario',
    'Clients × cycles',
    'Connects',
    'Clean disconnects',
    'Cycle (measured / prescribed)',
    'Handshake p50 / p95 / p99',
    'Close p50 / p95 / p99',
];
/** The scenario figures as cells: clients × cycles, connects, clean disconnects, cycle, handshake, close. */
function scenarioCells(s) {
    if (!s.enabled)
        return ['disabled', '–', '–', '–', '–', '–'];
    return [
        `${s.prescribed.clients} × ${s.prescribed.cyclesPerClient}`,
        connectCell(s),
        disconnectCell(s),
        `${s.cycleMs && s.cycleMs.count > 0 ? formatMs(s.cycleMs.mean) : 'n/a'} / ${formatMs(s.prescribed.cycleMs)}`,
        latencyTriple(s.handshakeMs),
        latencyTriple(s.closeMs),
    ];
}
/** The scenarios side by side, one row per figure (narrow enough for a comment column): header and rows. */
function scenarioColumns(report) {
    const scenarios = [report.scenarios.flapping, report.scenarios.leak];
    const cells = scenarios.map(scenarioCells);
    return {
        header: ['Scenario', ...scenarios.map((s) => s.id)],
        rows: SCENARIO_HEADER.slice(1).map((label, i) => [label, ...cells.map((c) => c[i])]),
    };
}
/** Memory figures as label/value pairs; null when memory was not measured. */
function memoryRows(report) {
    const m = report.memory;
    if (!m.measured)
        return null;
    return [
        ['Baseline', formatMb(m.baselineBytes)],
        ['Peak', formatMb(m.peakBytes)],
        ['Retained (after cooldown)', formatMb(m.retainedBytes)],
        [
            'Retained growth',
            m.retainedGrowthBytes === null
                ? 'n/a'
                : `${formatMbDelta(m.retainedGrowthBytes)}${m.growthPercent === null ? '' : ` (${formatPercentDelta(m.growthPercent)})`}`,
        ],
        ['Peak growth', formatMbDelta(m.peakGrowthBytes)],
        ['Trend (leak per connection)', describeTrend(report)],
        ['Samples', `${m.samples.length}, every ${formatMs(m.sampleIntervalMs)}`],
        ...(m.probeOverheadBytes
            ? [['Heap snapshots (left out of the figures)', `${formatMbDelta(m.probeOverheadBytes)} of RSS`]]
            : []),
    ];
}
const SIGNAL_LABELS = [
    ['fds', 'Open fds'],
    ['lingeringConnections', 'Connections left ESTABLISHED/CLOSE_WAIT'],
    ['threads', 'Threads'],
    ['processes', 'Processes'],
    ['sessions', 'Sessions (stats-url)'],
];
const SIGNAL_HEADER = ['Exact signal', 'Baseline', 'After cooldown', 'Change'];
/** The exact leak signals, one row each: baseline, after cooldown, change; n/a where not read. */
function signalRows(report) {
    const { baseline, after, growth } = report.signals;
    const show = (v) => (v === null || v === undefined ? 'n/a' : String(v));
    return SIGNAL_LABELS.filter(([key]) => key !== 'sessions' || baseline?.sessions != null || after?.sessions != null || report.config['stats-url']).map(([key, label]) => {
        const change = growth[key];
        return [label, show(baseline?.[key]), show(after?.[key]), formatChange(change, '')];
    });
}
const FAILURE_HEADER = ['Scenario', 'Stage', 'Kind', 'Count'];
/** Every failure the scenarios counted (connect failures and close reasons), most frequent first. */
function failureRows(report) {
    const rows = [];
    for (const s of [report.scenarios.flapping, report.scenarios.leak]) {
        for (const [kind, count] of Object.entries(s.connectFailures))
            rows.push({ scenario: s.id, stage: 'connect', kind, count });
        for (const [kind, count] of Object.entries(s.disconnectFailures))
            rows.push({ scenario: s.id, stage: 'disconnect', kind, count });
    }
    const r = report.scenarios.recovery;
    if (r.connectFailure)
        rows.push({ scenario: 'recovery', stage: 'connect', kind: r.connectFailure, count: 1 });
    return rows.filter((row) => row.count > 0).sort((a, b) => b.count - a.count);
}
const COMPARISON_HEADER = ['Metric', 'Base', 'This PR', 'Change', 'Noise floor'];
/** True when a metric moved by more than its noise floor (either way), so it belongs in the base table. */
function changedBeyondNoise(m) {
    return m.change !== null && Math.abs(m.change) > m.floor;
}
/**
 * "+7.0 MiB (+350 %)": a percentage only when the base is above the metric's noise floor (a change against a
 * near-zero base reads as "+20731 %", which says nothing), else the absolute change alone.
 */
function changeText(m) {
    const absolute = formatChange(m.change, m.unit);
    if (m.change === null || m.base === null || Math.abs(m.base) <= m.floor || m.changePercent === null)
        return absolute;
    return `${absolute} (${formatPercentDelta(m.changePercent)})`;
}
/** A metric's noise floor as an amount: "5 points" for rates, "5.0 MiB", "4" for counts. */
function floorText(m) {
    return formatChange(m.floor, m.unit).replace(/^[+±]/, '');
}
/** Rows of base → this PR for the metrics that changed beyond noise, regressions marked; empty when none did. */
function comparisonRows(report) {
    return (report.comparison?.metrics ?? [])
        .filter(changedBeyondNoise)
        .map((m) => [
        m.title,
        formatValue(m.base, m.unit),
        formatValue(m.current, m.unit),
        `${changeText(m)}${m.regressed ? ' ❌ regression' : ''}`,
        floorText(m),
    ]);
}
/** The settings that differ from their defaults, name and value; `defaults` maps an input name to its default. */
function nonDefaultSettings(report, defaults) {
    return Object.entries(report.config).filter(([name, value]) => (defaults && name in defaults ? defaults[name] !== value : value !== ''));
}
/** Environment rows (label, plain value): where it ran, what ran, how long. */
function environmentRows(report) {
    const env = report.environment;
    const server = report.server;
    const rows = [
        ['Runner', `${env.runnerOs ?? env.os} ${env.arch}, Node ${env.node}`],
        ['Commit', env.commit ?? 'n/a'],
        ['Workflow / job', `${env.workflow ?? 'n/a'} / ${env.job ?? 'n/a'}`],
        ['Tool', `${report.tool.name} ${report.tool.version}`],
        ['Started', `${report.startedAt}, ran ${formatSeconds(report.durationMs)}`],
        ['Server', `${server.mode}: ${server.command ?? server.url}`],
        ['Ready after', formatMs(server.readyAfterMs)],
    ];
    if (server.survivors.length > 0)
        rows.push(['Survived teardown', server.survivors.join(', ')]);
    return rows;
}

;// CONCATENATED MODULE: ./src/report/causes.ts
// The cause shown beside a failing or warning check: a table from check id to the evidence that explains it, so a
// new check adds one line here.






const SIGNAL_NAMES = [
    ['fds', 'fds'],
    ['threads', 'threads'],
    ['processes', 'processes'],
    ['sessions', 'sessions'],
];
/** The exact signals that moved: "fds +65, 71 lingering"; null when all stayed put or none were read. */
function movedSignals(report) {
    const growth = report.signals?.growth;
    if (!growth)
        return null;
    const parts = [];
    for (const [key, name] of SIGNAL_NAMES) {
        const v = growth[key];
        if (v !== null && v !== 0)
            parts.push(`${name} ${formatCountDelta(v)}`);
    }
    const lingering = growth.lingeringConnections;
    if (lingering !== null && lingering > 0)
        parts.push(`${lingering} lingering`);
    return parts.length === 0 ? null : parts.join(', ');
}
/** A retainer path in a cause line: short enough that no cap on a piece of text cuts it (the PR comment's is 200). */
const RETAINER_PATH_MAX = 200;
/**
 * "(GC roots) → Map sessions → Session": each step's node, then the edge it holds the next one by. A path longer
 * than maxChars keeps its first part and as many of its last as fit, with "…" between: the end is the user's code
 * (the variable that holds the objects), the middle is often a framework's router or the runtime's handles.
 */
function retainerPathText(path, maxChars = RETAINER_PATH_MAX) {
    if (!path || path.length === 0)
        return null;
    const parts = retainerPathParts(path);
    const whole = parts.join(' → ');
    if (whole.length <= maxChars)
        return whole;
    const last = parts[parts.length - 1];
    const head = `${parts[0]} → … → `;
    if (head.length + last.length > maxChars)
        return `… → ${last}`;
    let tail = last;
    for (let i = parts.length - 2; i > 0; i--) {
        const longer = `${parts[i]} → ${tail}`;
        if (head.length + longer.length > maxChars)
            break;
        tail = longer;
    }
    return head + tail;
}
/** Suspects after the first that a cause line names: enough to see what else one leak holds on to. */
const OTHER_SUSPECTS_NAMED = 3;
/**
 * The top heap suspect: "+65 Session (1.00 per connection, +1.3 MiB), held by (GC roots) → …", then the next
 * few by name ("also growing: +65 Socket, +65 Receiver and 4 more classes"); null without heap evidence.
 */
function heapSuspect(report, esc) {
    const [suspect, ...others] = report.heap?.suspects ?? [];
    if (!suspect)
        return null;
    const path = retainerPathText(suspect.retainerPath);
    const figures = `${suspect.perConnection.toFixed(2)} per connection, ${formatBytesDelta(suspect.bytesDelta)}`;
    const named = others.slice(0, OTHER_SUSPECTS_NAMED).map((o) => `${formatCountDelta(o.countDelta)} ${esc(o.name)}`);
    const more = others.length - named.length;
    const also = named.length === 0
        ? ''
        : `; also growing: ${named.join(', ')}${more > 0 ? ` and ${more} more ${more === 1 ? 'class' : 'classes'}` : ''}`;
    return `${formatCountDelta(suspect.countDelta)} ${esc(suspect.name)} (${figures})${path ? `, held by ${esc(path)}` : ''}${also}`;
}
function joinCauses(parts) {
    const kept = parts.filter((p) => p !== null && p !== '');
    return kept.length === 0 ? null : kept.join('; ');
}
function signalBeforeAfter(key, label) {
    return (_check, report) => {
        const before = report.signals?.baseline?.[key];
        const after = report.signals?.after?.[key];
        if (before == null || after == null)
            return null;
        return `${label} ${beforeAfter(String(before), String(after))}`;
    };
}
/** The metric a regression check is about, found by its id. */
function comparedMetric(check, report) {
    return report.comparison?.metrics.find((m) => `regression-${m.id}` === check.id);
}
/** The rule in words that cannot be misread: "worse than the base by more than 25 % of it and by more than 5 points". */
function regressionRule(maxRegressionPercent, metric) {
    const floor = floorText(metric);
    return `worse than the base by more than ${maxRegressionPercent}${NBSP}% of it and by more than ${floor}`;
}
const regressionCause = (check, report) => {
    const metric = comparedMetric(check, report);
    if (!metric || metric.base === null || metric.current === null)
        return typeset(check.detail ?? '') || null;
    return `regressed: ${regressionRule(report.comparison.maxRegressionPercent, metric)}`;
};
/** True when a check of one of these ids failed or warned: its own line shows that evidence. */
function shownElsewhere(report, ids) {
    return report.checks.some((c) => ids.includes(c.id) && (c.status === 'fail' || c.status === 'warn'));
}
const SIGNAL_CHECK_IDS = ['fd-growth', 'lingering-connections', 'thread-growth', 'process-growth', 'session-growth'];
/** The exact signals, unless their own checks failed and say it there. */
function signalsUnlessShown(report) {
    return shownElsewhere(report, SIGNAL_CHECK_IDS) ? null : movedSignals(report);
}
/** The trend's fit, without the slope the check's own line already gives. */
function trendFit(report) {
    const t = report.memory.trend;
    if (!t || t.kbPerConnection === null)
        return null;
    const fitted = t.points.slice(t.skipped);
    return `fitted over ${plural(fitted.length, 'reading')} from ${fitted[0].connections} to ${fitted.at(-1).connections} connections`;
}
const detailCause = (check, _report, style) => (check.detail ? style.esc(typeset(check.detail)) : null);
/** The cause of each check, by id. A check without an entry shows its own detail. */
const CAUSES = {
    'server-ready': (check, report, style) => describeStop(report, style) ?? detailCause(check, report, style),
    'connect-success-rate': (check, report, style) => stageFailures(report, 'connect', style.esc) ?? detailCause(check, report, style),
    'disconnect-success-rate': (check, report, style) => stageFailures(report, 'disconnect', style.esc) ?? detailCause(check, report, style),
    'memory-growth': (_check, report, style) => joinCauses([memoryBeforeAfter(report), signalsUnlessShown(report), heapSuspect(report, style.esc)]),
    'peak-memory-growth': (_check, report) => report.memory.baselineBytes === null || report.memory.peakBytes === null
        ? null
        : `peak ${formatMb(report.memory.peakBytes)} over a baseline of ${formatMb(report.memory.baselineBytes)}`,
    'leak-per-connection': (check, report, style) => joinCauses([
        report.heap?.status === 'measured' ? (check.detail ?? null) : trendFit(report),
        signalsUnlessShown(report),
        heapSuspect(report, style.esc),
    ]),
    'fd-growth': signalBeforeAfter('fds', 'open fds'),
    'lingering-connections': (check) => `${plural(check.value ?? 0, 'connection')} still ESTABLISHED or CLOSE_WAIT after cooldown`,
    'thread-growth': signalBeforeAfter('threads', 'threads'),
    'process-growth': signalBeforeAfter('processes', 'processes'),
    'session-growth': signalBeforeAfter('sessions', 'sessions'),
    recovery: (check, report, style) => report.scenarios.recovery.problems.length > 0 ? recoveryProblems(report, style.esc) : detailCause(check, report, style),
    'server-crash': (check, report, style) => describeStop(report, style) ?? detailCause(check, report, style),
    'run-completed': (check, report, style) => describeStop(report, style) ?? detailCause(check, report, style),
    'retained-objects': (check, report, style) => heapSuspect(report, style.esc) ?? detailCause(check, report, style),
    'dead-peer-reaping': detailCause,
    'hostile-survived': detailCause,
};
/** The cause of a check in one line, from the table (regression checks: the base value); null when nothing is known. */
function causeOf(check, report, style) {
    const fn = CAUSES[check.id] ?? (isRegressionCheck(check) ? regressionCause : detailCause);
    return fn(check, report, style);
}
/**
 * What a failing check's line leads with: the violation ("connect success rate 64 % < 80 %"); for a regression the
 * metric from base to now ("retained memory growth 2.0 MiB → 9.0 MiB (+7.0 MiB)"); for a crash or a failed start
 * only the title, since the cause says what happened.
 */
function checkHeadline(check, report, esc) {
    if (isStopCheck(check) && causeOf(check, report, { esc, strong: (t) => t }) !== null)
        return esc(check.title);
    const metric = isRegressionCheck(check) ? comparedMetric(check, report) : undefined;
    if (metric && metric.base !== null && metric.current !== null) {
        const change = formatChange(metric.change, metric.unit);
        return (`${esc(metric.title)} ${beforeAfter(formatValue(metric.base, metric.unit), formatValue(metric.current, metric.unit))} ` +
            `(${change}) against the base`);
    }
    return describeViolation(check, esc);
}
const STOP_CHECKS = new Set(['server-ready', 'server-crash', 'run-completed']);
/** The checks whose cause is the stop itself (crash, failed start, early end). */
function isStopCheck(check) {
    return STOP_CHECKS.has(check.id);
}
/** Splits the failing and warning checks into those shown with a cause and those the stop explains. */
function outcome(report) {
    const bad = report.checks.filter((c) => c.status === 'fail' || c.status === 'warn');
    const afterStop = (c) => report.stopped !== null && !STOP_CHECKS.has(c.id) && (c.value === null || c.status === 'not-measured');
    let shown = bad.filter((c) => !afterStop(c));
    // The crash (or the failed start) already says that the run stopped there.
    if (shown.some((c) => c.id === 'server-crash' || c.id === 'server-ready')) {
        shown = shown.filter((c) => c.id !== 'run-completed');
    }
    return { shown, notMeasuredAfterStop: report.checks.filter((c) => afterStop(c) && c.status !== 'pass') };
}
/**
 * "2 checks not measured after the crash: memory trend, fd growth; recovery could not run and fails for it"; null
 * when none. Said apart, so the line counts as the heading does (failed, not measured).
 */
function describeNotMeasuredAfterStop(report, checks, esc) {
    if (checks.length === 0 || !report.stopped)
        return null;
    const when = AFTER_STOP[report.stopped.reason] ?? 'after the stop';
    const titles = (list) => list.map((c) => esc(c.title.toLowerCase())).join(', ');
    const failed = checks.filter((c) => c.status === 'fail');
    const unmeasured = checks.filter((c) => c.status !== 'fail');
    const fails = failed.length === 0 ? '' : `${titles(failed)} could not run and ${failed.length === 1 ? 'fails' : 'fail'} for it`;
    if (unmeasured.length === 0)
        return `${when[0].toUpperCase()}${when.slice(1)}, ${fails}`;
    return `${plural(unmeasured.length, 'check')} not measured ${when}: ${titles(unmeasured)}${fails ? `; ${fails}` : ''}`;
}
/**
 * The Why section as lines: each failing or warning check once, with its cause beside it, then one line for the
 * checks the stop left unmeasured. The terminal prints them; the action's failure message joins the failing ones.
 */
function whyLines(report, style) {
    const { shown, notMeasuredAfterStop } = outcome(report);
    const lines = shown.map((check) => {
        const cause = causeOf(check, report, style);
        return { check, text: `${checkHeadline(check, report, style.esc)}${cause ? ` — ${cause}` : ''}` };
    });
    const rest = describeNotMeasuredAfterStop(report, notMeasuredAfterStop, style.esc);
    if (rest)
        lines.push({ check: null, text: rest });
    return lines;
}

;// CONCATENATED MODULE: ./src/report/chart.ts
// The memory chart: a Mermaid xychart of the server tree's RSS over time, on a numeric axis in seconds.


/** The chart never draws more points than this; more would be unreadable at a comment's width. */
const CHART_MAX_POINTS = 60;
/**
 * The line colour: GitHub's blue accent, which keeps a contrast ratio above 3 against a white chart, Mermaid's dark
 * chart background (#333) and GitHub's dark page (#0d1117). Mermaid's own first colour (#ECECFF) vanishes on white.
 */
const CHART_LINE_COLOR = '#2f81f7';
/**
 * Resamples onto `count` evenly spaced times from the first sample to the last, because Mermaid spaces a line's values
 * evenly along a numeric axis. Each point takes the highest sample of its stretch (so peaks survive), or the
 * nearest earlier sample when its stretch holds none.
 */
function resampleEvenly(samples, count) {
    if (samples.length === 0)
        return [];
    const sorted = samples.slice().sort((a, b) => a.tMs - b.tMs);
    const start = sorted[0].tMs;
    const end = sorted.at(-1).tMs;
    const n = Math.max(2, Math.min(count, sorted.length));
    const step = (end - start) / (n - 1);
    const points = [];
    let j = 0;
    let last = sorted[0];
    for (let i = 0; i < n; i++) {
        const t = start + i * step;
        const until = i === n - 1 ? Infinity : t + step / 2;
        let best = null;
        while (j < sorted.length && sorted[j].tMs < until) {
            if (best === null || sorted[j].rssBytes > best.rssBytes)
                best = sorted[j];
            last = sorted[j];
            j++;
        }
        points.push({ seconds: t / 1000, mib: mbFromBytes((best ?? last).rssBytes) });
    }
    return points;
}
/** When each phase began, in seconds since the start: from the phase spans, else from the samples. */
function phaseStarts(report) {
    const spans = (report.phases ?? []).filter((p) => p.name !== 'startup' && p.name !== 'teardown');
    if (spans.length > 0)
        return spans.map((p) => ({ phase: p.name, seconds: p.startMs / 1000 }));
    const starts = [];
    report.memory.samples.forEach((s, i, all) => {
        if (i === 0 || all[i - 1].phase !== s.phase)
            starts.push({ phase: s.phase, seconds: s.tMs / 1000 });
    });
    return starts;
}
/**
 * The line under the chart that says where each phase began ("warmup 0.4 s · baseline 1.4 s · …"), and what in the
 * line is not the server's own: the RSS its heap snapshots made it keep (often a step of tens of MiB at the first).
 */
function phaseCaption(report) {
    const parts = phaseStarts(report).map((p) => `${p.phase} ${formatSeconds(p.seconds * 1000)}`);
    const exit = report.server.exit;
    const exited = exit ? ` The server exited at ${formatSeconds(exit.atMs)}.` : '';
    const overhead = report.memory.probeOverheadBytes;
    const probes = overhead
        ? ` The heap snapshots add ${formatMbDelta(overhead)} to the line (the server keeps the memory it wrote them with); ` +
            'the memory figures leave it out.'
        : '';
    return parts.length === 0 ? `${exited}${probes}`.trim() : `Phases start at: ${parts.join(' · ')}.${exited}${probes}`;
}
function axisNumber(value, decimals) {
    return value.toFixed(decimals);
}
/** A Mermaid xychart of memory over time (RSS in MiB, time in seconds), with its phase caption; null with < 2 samples. */
function memoryChart(report) {
    const m = report.memory;
    if (!m.measured || m.samples.length < 2)
        return null;
    const points = resampleEvenly(m.samples, CHART_MAX_POINTS);
    const values = points.map((p) => Math.round(p.mib * 10) / 10);
    const low = Math.max(0, Math.floor(Math.min(...values) * 0.95));
    const high = Math.max(low + 1, Math.ceil(Math.max(...values) * 1.05));
    const from = points[0].seconds;
    const to = Math.max(points.at(-1).seconds, from + 0.1);
    const init = { themeVariables: { xyChart: { plotColorPalette: CHART_LINE_COLOR } } };
    // Every token is ours (numbers and fixed words), so nothing here needs escaping for Mermaid.
    const lines = [
        `%%{init: ${JSON.stringify(init)}}%%`,
        'xychart-beta',
        '    title "Server memory (RSS, MiB) over time"',
        `    x-axis "seconds since start" ${axisNumber(from, 1)} --> ${axisNumber(to, 1)}`,
        `    y-axis "MiB" ${low} --> ${high}`,
        `    line [${values.map((v) => v.toFixed(1)).join(', ')}]`,
    ];
    const caption = phaseCaption(report);
    return `${codeBlock(lines.join('\n'), 'mermaid')}${caption === '' ? '' : `\n\n${caption}`}`;
}

;// CONCATENATED MODULE: ./src/report/fit.ts
// Fitting a rendered body under a size limit: what to give up first, one search for the most that fits, a last-resort cut.

/** When the log must shrink, no single line keeps more than this many characters. */
const LOG_LINE_CAP = 500;
/**
 * The largest n in [low, high] for which `fits(n)` holds, when fitting is monotonic (more n, more characters);
 * `low` when even that does not fit.
 */
function largestFitting(low, high, fits) {
    let lo = low;
    let hi = high;
    while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        if (fits(mid))
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}
/** The last resort: cut at a line boundary (only tables and sentences remain by then) and say so. */
function hardCut(text, maxChars) {
    const notice = '\n\nTrimmed: report cut to fit the comment limit.\n';
    const room = maxChars - notice.length;
    if (room <= 0)
        return truncate(sanitizeText(text), maxChars);
    const cut = text.lastIndexOf('\n', room);
    const lines = text.slice(0, cut > 0 ? cut : room).split('\n');
    // A table cut right after its header (or delimiter row) would leave a stray row; drop what has no body.
    const isDelimiter = (line) => line !== undefined && /^\|( --- \|)+$/.test(line);
    if (isDelimiter(lines[lines.length - 1]))
        lines.splice(-2, 2);
    else if (lines[lines.length - 1]?.startsWith('|') && isDelimiter(text.slice(cut + 1).split('\n', 1)[0]))
        lines.pop();
    // An open fence or <details> left by the cut would swallow the notice.
    const fences = lines.filter((l) => /^`{3,}/.test(l)).length;
    if (fences % 2 === 1) {
        let open = lines.length - 1;
        while (open > 0 && !/^`{3,}/.test(lines[open]))
            open--;
        lines.splice(open);
    }
    const opened = lines.filter((l) => /^<details( open)?>$/.test(l)).length - lines.filter((l) => l === '</details>').length;
    for (let i = 0; i < opened; i++)
        lines.push('', '</details>');
    return `${lines.join('\n').trimEnd()}${notice}`;
}
/**
 * Renders with the fullest plan that fits `maxChars`: it gives up the oldest log lines (and cuts very long ones)
 * first, then the chart, then the collapsible sections, and cuts as a last resort.
 */
function fitToLimit(build, logTail, maxChars) {
    const total = logTail.length;
    const fits = (plan) => build(plan).length <= maxChars;
    let plan = { logLines: total, lineCap: null, chart: true, details: true };
    if (fits(plan))
        return build(plan);
    if (logTail.some((l) => l.length > LOG_LINE_CAP)) {
        plan = { ...plan, lineCap: LOG_LINE_CAP };
        if (fits(plan))
            return build(plan);
    }
    for (const chart of [true, false]) {
        const base = { ...plan, chart, logLines: 0 };
        if (fits(base))
            return build({ ...base, logLines: largestFitting(0, total, (n) => fits({ ...base, logLines: n })) });
    }
    const body = build({ ...plan, logLines: 0, chart: false, details: false });
    return body.length <= maxChars ? body : hardCut(body, maxChars);
}

;// CONCATENATED MODULE: ./src/report/comment.ts
// The Markdown body for a reader who glances (PR comment) or reads on (job summary): the decision first, each
// failing check once with its cause, everything else in collapsible sections; escaped and under the size limit.









/** Safely below GitHub's 65,536-character limit for a comment body, leaving room for a marker and a header. */
const DEFAULT_MAX_CHARS = 65_000;
/** Lines of the server's output shown near the top when it crashed or never came up. */
const LOG_EXCERPT_LINES = 8;
/** How far back the excerpt may reach for the line that starts the error (Node prints 10 frames after it). */
const LOG_EXCERPT_MAX_LINES = 24;
const LOG_EXCERPT_LINE_MAX = 200;
/** The line an error's output starts with: Node's `Error: …` (its frames follow), Python's traceback, Go's panic. */
const ERROR_START = /^(Traceback \(most recent call last\)|panic: |([\w$]+\.)*[\w$]*(Error|Exception)\b.*)/;
const CAUSE_MAX = 600;
const VERDICT_ICON = { pass: '✅', warn: '⚠️', fail: '❌' };
const STATUS_ICON = { fail: '❌', warn: '⚠️', 'not-measured': '➖' };
const STYLE = { esc: (t) => escapeInline(t, 200), strong: MARKDOWN_STYLE.strong };
/** A collapsible section. */
function details(summary, body, open) {
    // The blank lines end the HTML block so the body is parsed as Markdown (and a fence inside stays a fence).
    return `<details${open ? ' open' : ''}>\n<summary>${summary}</summary>\n\n${body}\n\n</details>`;
}
/** The server died or never came up: its last words are the first thing to read. */
function serverFailed(report) {
    return report.server.exit !== null || report.stopped?.reason === 'crash' || report.stopped?.reason === 'startup-failed';
}
/** A link to the workflow run, when the URL is an http(s) URL; parentheses and spaces are percent-encoded. */
function runLink(report) {
    const url = report.environment.runUrl;
    if (!url || !/^https?:\/\/[^\s<>"]+$/.test(url))
        return null;
    return `[workflow run](${url.replace(/[()]/g, (c) => (c === '(' ? '%28' : '%29'))})`;
}
function headingBlock(report) {
    const icon = VERDICT_ICON[report.verdict] ?? '❔';
    const figures = keyFigures(report).map((f) => escapeInline(f));
    const link = runLink(report);
    return `### ${icon} WebSocket resilience: ${escapeInline(headline(report))}\n\n${[...figures, ...(link ? [link] : [])].join(' · ')}`;
}
/** Each failing or warning check once, its cause beside it; checks the stop left unmeasured in one line. */
function failingList(report) {
    const { shown, notMeasuredAfterStop } = outcome(report);
    const items = [];
    for (const check of shown) {
        const icon = STATUS_ICON[check.status] ?? '❔';
        const cause = causeOf(check, report, STYLE);
        const what = checkHeadline(check, report, (t) => escapeInline(t, 200));
        items.push(`- ${icon} **${what}**${cause ? ` — ${truncate(cause, CAUSE_MAX)}` : ''}`);
    }
    const rest = describeNotMeasuredAfterStop(report, notMeasuredAfterStop, (t) => escapeInline(t, 120));
    if (rest)
        items.push(`- ➖ ${rest}`);
    const stop = describeStop(report, STYLE);
    const stopSaid = shown.some(isStopCheck);
    if (stop && !stopSaid)
        items.unshift(`- ${stop}`);
    return items.length === 0 ? null : items.join('\n');
}
/**
 * The last lines of the server's output, reaching back (up to LOG_EXCERPT_MAX_LINES) to the line that starts its
 * error when the last LOG_EXCERPT_LINES hold none: a Node crash ends in stack frames, its message above them.
 */
function excerptLines(tail) {
    const window = Math.max(0, tail.length - LOG_EXCERPT_LINES);
    if (tail.slice(window).some((l) => ERROR_START.test(l)))
        return tail.slice(window);
    for (let i = window - 1; i >= Math.max(0, tail.length - LOG_EXCERPT_MAX_LINES); i--) {
        if (ERROR_START.test(tail[i]))
            return tail.slice(i);
    }
    return tail.slice(window);
}
function logExcerpt(report) {
    if (!serverFailed(report) || report.server.logTail.length === 0)
        return null;
    const lines = excerptLines(report.server.logTail).map((l) => truncate(l, LOG_EXCERPT_LINE_MAX));
    const of = report.server.logTail.length > lines.length ? ` (of ${report.server.logTail.length})` : '';
    return `The last ${plural(lines.length, 'line')} the server printed${of}:\n\n${codeBlock(lines.join('\n'), 'text')}`;
}
function checksSection(report, plan, open) {
    const parts = [];
    const rows = checkRows(report).map((r) => r.map((cell) => escapeInline(cell)));
    parts.push(table(CHECK_HEADER, rows));
    parts.push(`**Recovery:** ${describeRecovery(report, (t) => escapeInline(t, 200))}`);
    const scenarios = scenarioColumns(report);
    parts.push(table(scenarios.header, scenarios.rows));
    const failures = failureRows(report);
    if (failures.length > 0) {
        parts.push(table(FAILURE_HEADER, failures.map((f) => [f.scenario, f.stage, escapeInline(f.kind, 120), String(f.count)])));
    }
    const memory = memoryRows(report);
    if (memory)
        parts.push(table(['Memory (server tree RSS)', 'Value'], memory));
    else
        parts.push(`**Memory:** not measured${report.memory.reason ? `: ${escapeInline(report.memory.reason)}` : ''}`);
    if (report.signals) {
        parts.push(table(SIGNAL_HEADER, signalRows(report)));
        if (report.signals.notes.length > 0)
            parts.push(`*Signals:* ${report.signals.notes.map((n) => escapeInline(n, 200)).join('; ')}`);
    }
    const faults = faultLines(report);
    if (faults.length > 0)
        parts.push(['**Faults**', '', ...faults.map((l) => `- ${escapeInline(l, 500)}`)].join('\n'));
    if (report.scenarios.hostile)
        parts.push(hostileMarkdown(report.scenarios.hostile));
    if (plan.chart) {
        const chart = memoryChart(report);
        if (chart)
            parts.push(chart);
    }
    const passed = report.checks.filter((c) => c.status === 'pass').length;
    return details(`All checks (${passed} of ${report.checks.length} passed), scenarios, memory and signals`, parts.join('\n\n'), open);
}
function comparisonSection(report, open) {
    const c = report.comparison;
    if (!c)
        return null;
    const source = escapeInline(c.source, 200);
    if (c.skipped)
        return `Not compared with the base (${source}): ${escapeInline(c.skipped, 500)}`;
    const rows = comparisonRows(report);
    const regressed = c.metrics.filter((m) => m.regressed).length;
    const summary = `Base → this PR: ${plural(rows.length, 'metric')} changed beyond noise${regressed > 0 ? `, ${regressed} regressed` : ''}`;
    const rule = `Base: ${source}. A metric regressed when it is worse than the base by more than ${c.maxRegressionPercent}${NBSP}% of ` +
        `the base value and by more than its noise floor.`;
    const body = rows.length === 0
        ? `${rule}\n\nNo metric changed by more than its noise floor.`
        : `${rule}\n\n${table(COMPARISON_HEADER, rows.map((r) => r.map((cell) => escapeInline(cell))))}`;
    return details(escapeHtml(summary), body, open);
}
function logAndEnvironmentSection(report, plan, options, open) {
    const parts = [];
    const tail = report.server.logTail;
    const kept = plan.logLines === 0 ? [] : tail.slice(tail.length - plan.logLines);
    const lines = plan.lineCap === null ? kept : kept.map((l) => truncate(l, plan.lineCap));
    if (lines.length > 0)
        parts.push(`Server log, last ${plural(lines.length, 'line')}:\n\n${codeBlock(lines.join('\n'), 'text')}`);
    parts.push(table(['Environment', 'Value'], environmentRows(report).map(([k, v]) => [k, escapeInline(v)])));
    const settings = nonDefaultSettings(report, options.settingDefaults);
    parts.push(settings.length === 0
        ? 'All settings at their defaults.'
        : table(['Setting (not default)', 'Value'], settings.map(([k, v]) => [escapeInline(k, 80), v === '' ? '(empty)' : escapeInline(v)])));
    const link = runLink(report);
    if (link)
        parts.push(`Full server log and outputs: ${link}.`);
    const summary = lines.length > 0 ? `Server log (last ${plural(lines.length, 'line')}) and environment` : 'Environment and settings';
    return details(summary, parts.join('\n\n'), open);
}
function trimNotice(report, plan) {
    const parts = [];
    const total = report.server.logTail.length;
    if (plan.details) {
        if (plan.logLines === 0 && total > 0)
            parts.push('server log tail omitted');
        else if (plan.logLines < total)
            parts.push(`server log tail shortened to ${plural(plan.logLines, 'line')} (of ${total})`);
        if (plan.lineCap !== null && plan.logLines > 0)
            parts.push(`log lines longer than ${plan.lineCap} characters cut`);
        if (!plan.chart && memoryChart(report) !== null)
            parts.push('memory chart omitted');
    }
    else {
        parts.push('details (all checks, scenarios, memory, server log, environment) omitted');
    }
    return parts.length === 0 ? null : `Trimmed: ${parts.join('; ')} to fit the comment limit.`;
}
function build(report, plan, options) {
    const open = options.expanded ?? false;
    const blocks = [headingBlock(report), failingList(report), logExcerpt(report)];
    if (plan.details) {
        blocks.push(checksSection(report, plan, open), comparisonSection(report, open), logAndEnvironmentSection(report, plan, options, open));
    }
    blocks.push(trimNotice(report, plan));
    return `${blocks.filter((b) => b !== null).join('\n\n')}\n`;
}
/**
 * The PR comment: a heading with the verdict and the key figures; each failing or warning check once with its
 * cause; the server's last lines when it died; then collapsible sections (all checks, scenarios, memory chart,
 * signals, base comparison, log, environment). To fit `maxChars` it gives up the oldest log lines, then the chart,
 * then the sections.
 */
function renderComment(report, options = {}) {
    const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
    return fitToLimit((plan) => build(report, plan, options), report.server.logTail, maxChars);
}

;// CONCATENATED MODULE: ./src/report/markdown.ts
// The Markdown entry points: the PR comment (collapsed) and the job summary (the same report with every section open).





/**
 * The job summary: the comment's layout with every section open, so a reader who came to the run page sees it
 * all. Kept under `maxChars` (default 65,000) the same way as the comment.
 */
function renderMarkdown(report, options = {}) {
    return renderComment(report, { ...options, maxChars: options.maxChars ?? DEFAULT_MAX_CHARS, expanded: true });
}

;// CONCATENATED MODULE: ./src/report/terminal.ts
// The plain-text report for a terminal (the CLI): the decision and causes first, then aligned tables; nothing the
// server printed is left raw.






/** Log lines shown when the run failed. */
const TERMINAL_LOG_LINES = 20;
const LOG_LINE_MAX = 300;
/** The Checks table's Detail cell: with the other columns, a table that fits 200 columns. */
const DETAIL_CELL_MAX = 100;
const VERDICT_TAG = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' };
const STATUS_TEXT = { pass: 'pass', warn: 'WARN', fail: 'FAIL', 'not-measured': 'not measured' };
const ANSI = {
    pass: ['\u001B[32m', '\u001B[39m'],
    warn: ['\u001B[33m', '\u001B[39m'],
    fail: ['\u001B[31m', '\u001B[39m'],
    dim: ['\u001B[2m', '\u001B[22m'],
};
const plain = (text) => sanitizeText(text);
/**
 * Columns padded to their widest cell. Colours are applied after padding so escape codes do not skew the widths.
 * `paint` may wrap a cell (by row and column) once it is padded.
 */
function alignColumns(rows, paint) {
    const widths = [];
    for (const row of rows)
        row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
    return rows.map((row, r) => row
        .map((cell, c) => {
        const padded = c === row.length - 1 ? cell : cell.padEnd(widths[c]);
        return paint ? paint(padded, r, c) : padded;
    })
        .join('  ')
        .trimEnd());
}
function rule(lines) {
    return '-'.repeat(Math.max(...lines.map((l) => l.length), 0));
}
function section(title, lines) {
    return [title, ...lines].join('\n');
}
function tableSection(title, header, rows, paint) {
    const lines = alignColumns([header, ...rows.map((r) => r.map(plain))], paint);
    return section(title, [lines[0], rule(lines), ...lines.slice(1)]);
}
/** The failing and warning checks with their causes, as the comment shows them; empty when all passed. */
function causeLines(report) {
    return whyLines(report, PLAIN_STYLE).map(({ check, text }) => `  ${check ? `${STATUS_TEXT[check.status] ?? check.status}  ` : ''}${text}`);
}
/**
 * Renders the report as plain text: verdict and key figures, causes, stop, then checks, scenarios, failures, memory, signals, base, and the
 * server's last lines when it failed.
 */
function renderTerminal(report, options = {}) {
    const color = options.color ?? false;
    const paint = (key, text) => (color ? `${ANSI[key][0]}${text}${ANSI[key][1]}` : text);
    const out = [];
    out.push(`${paint(report.verdict, `[${VERDICT_TAG[report.verdict] ?? 'FAIL'}]`)} WebSocket resilience: ` +
        `${headline(report)}\n${keyFigures(report).join(' · ')}`);
    const stop = describeStop(report, PLAIN_STYLE);
    const causes = causeLines(report);
    if (stop && !causes.some((l) => l.includes(stop)))
        out.push(stop);
    if (causes.length > 0)
        out.push(section('Why', causes));
    const checks = report.checks.filter((c) => !c.id.startsWith('regression-'));
    const rows = checkRows(report).map((row, i) => {
        const c = checks[i];
        const detail = c.status === 'fail' || c.status === 'warn' ? (causeOf(c, report, PLAIN_STYLE) ?? '') : plain(c.detail ?? '');
        // The Why lines above hold a failing check's whole cause: a cell as long would widen every row of the table.
        return [...row.slice(0, 3), STATUS_TEXT[c.status] ?? c.status, sanitizeText(detail, DETAIL_CELL_MAX)];
    });
    const statusColor = (row) => {
        const status = checks[row - 1]?.status;
        return status === 'fail' ? 'fail' : status === 'warn' ? 'warn' : status === 'pass' ? 'pass' : null;
    };
    out.push(tableSection('Checks', [...CHECK_HEADER, 'Detail'], rows, (cell, r, c) => {
        const key = r > 0 && c === 3 ? statusColor(r) : null;
        return key ? paint(key, cell) : cell;
    }));
    const { flapping, leak } = report.scenarios;
    out.push(tableSection('Scenarios', SCENARIO_HEADER, [flapping, leak].map((s) => [s.id, ...scenarioCells(s)])));
    const failures = failureRows(report);
    if (failures.length > 0) {
        out.push(tableSection('Failures and close reasons', FAILURE_HEADER, failures.map((f) => [f.scenario, f.stage, f.kind, String(f.count)])));
    }
    out.push(`Recovery: ${describeRecovery(report, plain)}`);
    const faults = faultLines(report);
    if (faults.length > 0)
        out.push(section('Faults', faults.map((l) => `  ${plain(l)}`)));
    const hostile = report.scenarios.hostile;
    if (hostile)
        out.push(tableSection('Hostile input', HOSTILE_TERMINAL_HEADER, hostileRows(hostile).map((r) => r.map((cell) => plain(cell)))));
    const memory = memoryRows(report);
    if (memory) {
        out.push(section('Memory (server tree RSS)', alignColumns(memory.map(([label, value]) => [`  ${label}`, value]))));
    }
    else {
        out.push(`Memory: not measured${report.memory.reason ? ` (${plain(report.memory.reason)})` : ''}`);
    }
    if (report.signals)
        out.push(tableSection('Exact leak signals', SIGNAL_HEADER, signalRows(report)));
    const comparison = comparisonRows(report);
    if (report.comparison?.skipped)
        out.push(`Not compared with the base (${plain(report.comparison.source)}): ${plain(report.comparison.skipped)}`);
    else if (comparison.length > 0)
        out.push(tableSection(`Base (${plain(report.comparison.source)}) → this PR`, COMPARISON_HEADER, comparison));
    // How the server ended, when it was not by its own shutdown: the progress lines said it, the report keeps it.
    for (const note of [report.server.killedAfterGrace, report.server.leftListening])
        if (note)
            out.push(`Teardown: ${plain(note)}`);
    const tail = report.server.logTail;
    if (report.verdict === 'fail' && tail.length > 0) {
        const shown = tail.slice(-TERMINAL_LOG_LINES).map((l) => `  ${paint('dim', sanitizeText(l, LOG_LINE_MAX))}`);
        const from = report.server.logPath ? ` (full log: ${plain(report.server.logPath)})` : '';
        out.push(section(`Server log, last ${shown.length} of ${tail.length} lines${from}`, shown));
    }
    return `${out.join('\n\n')}\n`;
}

;// CONCATENATED MODULE: ./src/cli.ts
// CLI: argv -> config -> gate -> terminal report; exit 0 pass, 1 fail, 2 bad input, 130/143 cancelled.













/** The CLI writes no JSON file unless asked to (--json or --report-path). */
const CLI_DEFAULTS = { 'report-path': '' };
// The PR comment and its modes belong to the action alone: the CLI offers no flags for them.
const INPUT_SET = new Set(GATE_INPUTS.map((i) => i.name));
/** How to run this CLI from a clone: the package is not published, so there is no bare command to name. */
const CLI_COMMAND = 'node dist/cli/index.js';
const HELP_HINT = `run ${CLI_COMMAND} --help for the list`;
/** A command line the CLI cannot read: says what was wrong and where to look, in one line. */
class UsageError extends ConfigError {
    constructor(message, given) {
        super('arguments', given, 'flags of the form --name value');
        this.message = message;
        this.name = 'UsageError';
    }
}
/** Levenshtein distance, for "did you mean": flag names are short, so the quadratic table is nothing. */
function editDistance(a, b) {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        previous = current;
    }
    return previous[b.length];
}
const CLI_FLAGS = [...GATE_INPUTS.map((i) => i.name), 'json', 'markdown', 'help', 'version'];
const ACTION_ONLY = new Set(INPUTS.filter((i) => 'actionOnly' in i && i.actionOnly).map((i) => i.name));
/** The flag a typo most likely meant, when one is close enough to be a typo. */
function closestFlag(name) {
    let best = null;
    let bestDistance = Infinity;
    for (const flag of CLI_FLAGS) {
        const d = editDistance(name, flag);
        if (d < bestDistance)
            [best, bestDistance] = [flag, d];
    }
    return bestDistance <= Math.max(2, Math.floor(name.length / 4)) ? best : null;
}
function unknownFlag(name, arg) {
    if (ACTION_ONLY.has(name)) {
        return new UsageError(`--${name} is an input of the GitHub Action only (the PR comment): the CLI has no such flag; ${HELP_HINT}`, arg);
    }
    const near = closestFlag(name);
    return new UsageError(`unknown flag --${name}${near ? ` (did you mean --${near}?)` : ''}; ${HELP_HINT}`, arg);
}
/** Parses `--name value` / `--name=value` flags named like the action's inputs. Throws ConfigError (UsageError). */
function parseArgs(argv) {
    const args = { inputs: {}, markdownPath: null, help: false, version: false };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === '--help' || arg === '-h') {
            args.help = true;
            continue;
        }
        if (arg === '--version') {
            args.version = true;
            continue;
        }
        if (!arg.startsWith('--') || arg === '--') {
            throw new UsageError(`unexpected argument '${arg}': every option is a flag, --name value or --name=value; ${HELP_HINT}`, arg);
        }
        const eq = arg.indexOf('=');
        const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
        // Checked before the value is taken, so `--bogus --url x` names --bogus, not --url.
        if (name !== 'json' && name !== 'markdown' && !INPUT_SET.has(name))
            throw unknownFlag(name, arg);
        let value = eq === -1 ? undefined : arg.slice(eq + 1);
        if (value === undefined) {
            value = argv[i + 1];
            if (value === undefined)
                throw new UsageError(`flag --${name} needs a value: --${name} VALUE or --${name}=VALUE`, arg);
            i += 1;
        }
        if (name === 'json')
            args.inputs['report-path'] = value;
        else if (name === 'markdown')
            args.markdownPath = value;
        else
            args.inputs[name] = value;
    }
    return args;
}
/** The --help text: how to run it, what it does, every flag with its default, exit codes. */
function usage() {
    const width = Math.max(...GATE_INPUTS.map((i) => i.name.length)) + 4;
    const lines = [
        `Usage: ${CLI_COMMAND} --url ws://127.0.0.1:0/ --server-command "node server.js" [options]`,
        `       ${CLI_COMMAND} --url ws://127.0.0.1:8080/            (attach to a server that is already running)`,
        '',
        'Starts the server (or attaches to one), runs flapping, leak-prevention and recovery scenarios,',
        'prints the report and exits 0 when no check failed (a warning does not fail), 1 when one failed,',
        '2 on bad input, 130/143 when interrupted. Port 0 in --url picks a free port and passes it to the server as PORT.',
        'Run it from a clone of the repository (npm ci first); `npm start` runs it against the example server.',
        '',
        'Example:',
        `  ${CLI_COMMAND} --server-command "node examples/echo-server.js" --url ws://127.0.0.1:0/ --expect echo`,
        '',
        'Options (the same names as the GitHub Action inputs; --name value or --name=value):',
        ...GATE_INPUTS.map((i) => {
            const fallback = CLI_DEFAULTS[i.name] ?? (i.default || profiles_profileDefaultText(i.name));
            return `  --${i.name.padEnd(width)}${i.description}${fallback !== '' ? ` (default: ${fallback})` : ''}`;
        }),
        `  --${'json FILE'.padEnd(width)}Write the JSON report to FILE (same as --report-path).`,
        `  --${'markdown FILE'.padEnd(width)}Write the Markdown report to FILE: the PR comment with every section open, as in the job summary.`,
        `  --${'help'.padEnd(width)}Show this help.`,
        `  --${'version'.padEnd(width)}Show the version.`,
    ];
    return lines.join('\n');
}
/** Runs the CLI; returns the exit code. */
async function runCli(argv, io = { out: process.stdout, err: process.stderr }) {
    let args;
    let config;
    try {
        args = parseArgs(argv);
        if (args.help) {
            io.out.write(`${usage()}\n`);
            return 0;
        }
        if (args.version) {
            io.out.write(`${TOOL_VERSION}\n`);
            return 0;
        }
        config = parseConfig(args.inputs, CLI_DEFAULTS);
    }
    catch (err) {
        if (err instanceof ConfigError) {
            io.err.write(`${TOOL_NAME}: ${err.message}\n`);
            return 2;
        }
        throw err;
    }
    const onSignal = (signal) => {
        io.err.write(`\n${TOOL_NAME}: ${signal} received, tearing down the server...\n`);
    };
    const { result: report, cancelledBy } = await withCancelSignals(onSignal, (signal) => runGateWithBaseCompare(config, {
        signal,
        onProgress: (line) => io.err.write(`${line}\n`),
        configDescription: describeConfig(args.inputs, CLI_DEFAULTS),
    }));
    io.out.write(`\n${renderTerminal(report)}\n`);
    if (config.reportPath) {
        const path = await writeJsonReport(report, config.reportPath);
        io.err.write(`JSON report written to ${path}\n`);
    }
    if (args.markdownPath) {
        const path = (0,external_node_path_namespaceObject.resolve)(args.markdownPath);
        await (0,promises_namespaceObject.mkdir)((0,external_node_path_namespaceObject.dirname)(path), { recursive: true });
        await (0,promises_namespaceObject.writeFile)(path, renderMarkdown(report, { settingDefaults: defaultSettings(report.config.profile) }));
        io.err.write(`Markdown report written to ${path}\n`);
    }
    if (cancelledBy)
        return cancelExitCode(cancelledBy);
    return report.verdict === 'fail' ? 1 : 0;
}

;// CONCATENATED MODULE: ./src/bin.ts
// CLI entry: runs the CLI and exits with its code, nothing else.

runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
    // Everything is closed by now; this only guards against a handle someone else left open.
    setTimeout(() => process.exit(code), 2000).unref();
}, (err) => {
    process.stderr.write(`ws-resilience-gate: ${err.stack ?? String(err)}\n`);
    process.exit(1);
});

