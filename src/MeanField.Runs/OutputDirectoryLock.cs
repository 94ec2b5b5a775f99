using System.Globalization;
using MeanField.IO.Config;
using MeanField.IO.Output;

namespace MeanField.Runs;

/// <summary>Who holds an output directory: the lock file's fields.</summary>
internal sealed record LockHolder(int Pid, string Host, string StartedUtc, string RunId, string Name, long ProcessStart)
{
    public string Describe() =>
        $"run '{Name}' (run_id {RunId}), pid {Pid} on host {Host}, started {StartedUtc}";
}

/// <summary>
/// One run per output directory: <c>DIR/meanfield.lock</c> holds the PID, host, start time and run_id of the run that
/// writes there. It is created atomically (create-new) when a run starts and deleted when it ends, however it ends (a
/// stop, an error, Ctrl-C/SIGTERM); only SIGKILL or a power cut leaves it behind. A second run on the directory is refused
/// with exit 2 naming the holder. A lock left by a process that is no longer alive on this host (its PID is gone, or now
/// belongs to a process started later) is stale and taken over with a warning; a lock from another host is never taken
/// over (its PID cannot be checked from here): delete the file once that run is known to be gone.
/// </summary>
internal sealed class OutputDirectoryLock : IDisposable
{
    public const string FileName = "meanfield.lock";

    private readonly string _path;
    private readonly string? _createdDirectory;   // the output directory, when taking the lock created it
    private LockHolder _holder;
    private bool _released;

    private OutputDirectoryLock(string path, LockHolder holder, string? createdDirectory)
    {
        _path = path;
        _holder = holder;
        _createdDirectory = createdDirectory;
    }

    public string Path => _path;

    /// <summary>Takes the lock of <paramref name="directory"/> (created if missing) or throws <see cref="ConfigException"/> naming the holder.</summary>
    public static OutputDirectoryLock Acquire(string directory, string name, string runId, Action<string> warn)
    {
        string full = System.IO.Path.GetFullPath(directory);
        bool created = !Directory.Exists(full);
        try { Directory.CreateDirectory(full); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new OutputException(full, $"Cannot create or write to output directory '{full}': {e.Message}", e);
        }
        string path = System.IO.Path.Combine(full, FileName);
        var me = new LockHolder(Environment.ProcessId, Environment.MachineName, DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            runId, name, ProcessStartTicks(Environment.ProcessId) ?? 0);
        for (int attempt = 0; attempt < 5; attempt++)
        {
            FileStream stream;
            try
            {
                stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            }
            catch (IOException) when (File.Exists(path))
            {
                var holder = Read(path);
                if (holder is null)
                {
                    // Created but not yet written (the holder is between create and write), or truncated by a crash then.
                    if (DateTime.UtcNow - File.GetLastWriteTimeUtc(path) < TimeSpan.FromSeconds(10)) { Thread.Sleep(100); continue; }
                    if (TakeOver(path, null)) warn($"took over the unreadable lock file {path} (older than 10 s, left by a crashed run)");
                    continue;
                }
                if (!IsStale(holder))
                    throw new ConfigException($"output.directory {full} is in use by {holder.Describe()} (lock file {path}); " +
                        "wait for that run to end, or choose another output.directory (--out)" +
                        (holder.Host != Environment.MachineName ? "; if that run is known to be gone, delete the lock file" : ""));
                if (TakeOver(path, holder))
                    warn($"took over the stale lock {path} of {holder.Describe()}: that process is no longer running (killed?)");
                continue;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new OutputException(path, $"Cannot create the lock file '{path}' in the output directory: {e.Message}", e);
            }
            try
            {
                using (stream)
                using (var writer = new StreamWriter(stream))
                    writer.Write(Format(me));
            }
            catch (IOException e)
            {
                try { File.Delete(path); } catch (IOException) { }
                throw new OutputException(path, $"Cannot write the lock file '{path}' (disk full?): {e.Message}", e);
            }
            return new OutputDirectoryLock(path, me, created ? full : null);
        }
        throw new ConfigException($"output.directory {full}: could not take the lock file {path} (other runs keep taking it)");
    }

    /// <summary>Records the run_id once it is known (--resume continues the interrupted run's).</summary>
    public void SetRunId(string runId)
    {
        _holder = _holder with { RunId = runId };
        string temp = _path + $".{Environment.ProcessId}.tmp";
        try
        {
            File.WriteAllText(temp, Format(_holder));
            File.Move(temp, _path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the lock still holds, with the provisional run_id.
            try { File.Delete(temp); } catch (IOException) { }
        }
    }

    /// <summary>
    /// Deletes the lock file if it is still this run's, and the output directory too when the lock created it and the run
    /// left nothing in it (a config error found after the lock was taken writes nothing, not even a directory).
    /// </summary>
    public void Dispose()
    {
        if (_released) return;
        _released = true;
        try
        {
            if (Read(_path) is { } holder && holder.Pid == _holder.Pid && holder.StartedUtc == _holder.StartedUtc && holder.RunId == _holder.RunId)
                File.Delete(_path);
            if (_createdDirectory is not null && !Directory.EnumerateFileSystemEntries(_createdDirectory).Any())
                Directory.Delete(_createdDirectory);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>The holder recorded in a lock file, or null when it is missing or incomplete.</summary>
    public static LockHolder? Read(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        var fields = text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.Ordinal);
        if (!text.EndsWith("end\n", StringComparison.Ordinal)) return null;
        return fields.TryGetValue("pid", out var pid) && int.TryParse(pid, CultureInfo.InvariantCulture, out int p) &&
               fields.TryGetValue("host", out var host) && fields.TryGetValue("started_utc", out var started) &&
               fields.TryGetValue("run_id", out var id) && fields.TryGetValue("name", out var name)
            ? new LockHolder(p, host, started, id, name,
                fields.TryGetValue("process_start", out var s) && long.TryParse(s, CultureInfo.InvariantCulture, out long ticks) ? ticks : 0)
            : null;
    }

    private static string Format(LockHolder h) =>
        $"# meanfield: one run per output directory (docs/output-format.md); deleted when the run ends\n" +
        $"pid: {h.Pid}\nhost: {h.Host}\nstarted_utc: {h.StartedUtc}\nrun_id: {h.RunId}\nname: {h.Name}\nprocess_start: {h.ProcessStart}\nend\n";

    /// <summary>Dead on this host: no such process, a zombie, or a later process that reuses the PID (containers reuse small PIDs).</summary>
    private static bool IsStale(LockHolder holder)
    {
        if (holder.Host != Environment.MachineName) return false;
        if (!OperatingSystem.IsLinux())
        {
            if (holder.Pid == Environment.ProcessId) return false;
            try { using var p = System.Diagnostics.Process.GetProcessById(holder.Pid); return p.HasExited; }
            catch (ArgumentException) { return true; }
        }
        long? start = ProcessStartTicks(holder.Pid);
        return start is null || (holder.ProcessStart != 0 && start != holder.ProcessStart);
    }

    /// <summary>
    /// Renames the stale file away (atomic: of two runs taking over at once only one succeeds), then checks that what it
    /// moved is the lock judged stale and not a fresh one taken meanwhile; a fresh one is put back.
    /// </summary>
    private static bool TakeOver(string path, LockHolder? stale)
    {
        string aside = $"{path}.stale.{Environment.ProcessId}.{Guid.NewGuid():N}";
        try { File.Move(path, aside); }
        catch (FileNotFoundException) { return false; }
        catch (IOException) { return false; }
        var moved = Read(aside);
        if (moved != stale && moved is not null && !IsStale(moved))
        {
            try { File.Move(aside, path, overwrite: false); } catch (IOException) { }
            return false;
        }
        File.Delete(aside);
        return true;
    }

    /// <summary>Field 22 of /proc/PID/stat (start time in clock ticks since boot); null when the process is gone or a zombie.</summary>
    private static long? ProcessStartTicks(int pid)
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) is in parentheses and may contain spaces: fields after it follow the last ')'.
            var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (rest[0] == "Z" || rest[0] == "X") return null;
            return long.Parse(rest[19], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
