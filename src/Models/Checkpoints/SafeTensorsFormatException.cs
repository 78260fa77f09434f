namespace RankDistill.Models.Checkpoints;

/// <summary>A safetensors file that is truncated or malformed; the message names the file and, where it applies, the tensor.</summary>
public sealed class SafeTensorsFormatException : Exception
{
    public SafeTensorsFormatException(string message) : base(message) { }

    public SafeTensorsFormatException(string message, Exception inner) : base(message, inner) { }

    public SafeTensorsFormatException() { }
}
