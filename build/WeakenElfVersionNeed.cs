using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Marks one symbol-version requirement (an ELF64 .gnu.version_r "Vernaux" entry) weak, so the
/// dynamic loader warns instead of refusing when the host library lacks that version.
/// Idempotent: an entry that is already weak, or absent, leaves the file untouched.
/// </summary>
public sealed class WeakenElfVersionNeed : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    [Required]
    public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

    [Required]
    public string VersionName { get; set; } = "";

    public override bool Execute()
    {
        foreach (var item in Files)
        {
            string path = item.ItemSpec;
            try
            {
                int patched = Patch(path, VersionName);
                if (patched > 0)
                    Log.LogMessage(MessageImportance.High, $"Marked {VersionName} weak in {path} ({patched} entries).");
            }
            catch (Exception e) when (e is IOException || e is InvalidDataException || e is UnauthorizedAccessException)
            {
                Log.LogError($"Could not patch {path}: {e.Message}");
            }
        }
        return !Log.HasLoggedErrors;
    }

    private static int Patch(string path, string versionName)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        byte[] header = ReadAt(file, 0, 64);
        if (header[0] != 0x7f || header[1] != (byte)'E' || header[2] != (byte)'L' || header[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (header[4] != 2 || header[5] != 1)
            return 0; // only 64-bit little-endian libraries are shipped for linux-x64

        long sectionTable = (long)BitConverter.ToUInt64(header, 0x28);
        int sectionSize = BitConverter.ToUInt16(header, 0x3A);
        int sectionCount = BitConverter.ToUInt16(header, 0x3C);
        int patched = 0;
        for (int i = 0; i < sectionCount; i++)
        {
            byte[] section = ReadAt(file, sectionTable + (long)i * sectionSize, 64);
            if (BitConverter.ToUInt32(section, 4) != ShtGnuVerneed)
                continue;
            long offset = (long)BitConverter.ToUInt64(section, 0x18);
            int linkedStrings = (int)BitConverter.ToUInt32(section, 0x28);
            int needCount = (int)BitConverter.ToUInt32(section, 0x2C);
            byte[] strSection = ReadAt(file, sectionTable + (long)linkedStrings * sectionSize, 64);
            long strOffset = (long)BitConverter.ToUInt64(strSection, 0x18);

            long need = offset;
            for (int n = 0; n < needCount; n++)
            {
                byte[] verneed = ReadAt(file, need, 16);
                int auxCount = BitConverter.ToUInt16(verneed, 2);
                long aux = need + BitConverter.ToUInt32(verneed, 8);
                for (int a = 0; a < auxCount; a++)
                {
                    byte[] vernaux = ReadAt(file, aux, 16);
                    ushort flags = BitConverter.ToUInt16(vernaux, 4);
                    string name = ReadString(file, strOffset + BitConverter.ToUInt32(vernaux, 8));
                    if (name == versionName && (flags & VerFlgWeak) == 0)
                    {
                        file.Position = aux + 4;
                        file.Write(BitConverter.GetBytes((ushort)(flags | VerFlgWeak)), 0, 2);
                        patched++;
                    }
                    aux += BitConverter.ToUInt32(vernaux, 12);
                }
                need += BitConverter.ToUInt32(verneed, 12);
            }
        }
        return patched;
    }

    private static byte[] ReadAt(FileStream file, long offset, int count)
    {
        var buffer = new byte[count];
        file.Position = offset;
        int read = 0;
        while (read < count)
        {
            int n = file.Read(buffer, read, count - read);
            if (n == 0)
                throw new InvalidDataException($"truncated at offset {offset + read}");
            read += n;
        }
        return buffer;
    }

    private static string ReadString(FileStream file, long offset)
    {
        var bytes = new StringBuilder();
        file.Position = offset;
        for (int b = file.ReadByte(); b > 0; b = file.ReadByte())
            bytes.Append((char)b);
        return bytes.ToString();
    }
}
