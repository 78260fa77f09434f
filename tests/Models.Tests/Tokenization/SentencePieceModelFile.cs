namespace RankDistill.Models.Tests.Tokenization;

/// <summary>
/// Writes a minimal SentencePiece BPE <c>tokenizer.model</c> (the ModelProto protobuf LLaMA ships) by hand:
/// pieces with scores, a trainer spec saying BPE with unk/bos/eos ids 0/1/2, and an identity normalizer
/// that adds the ▁ dummy prefix and escapes spaces. With <c>byteFallback</c> it is shaped as LLaMA's: the 256
/// byte pieces &lt;0x00&gt;…&lt;0xFF&gt; follow the special tokens (ids 3–258), characters without a piece are
/// spelt in UTF-8 bytes, and runs of whitespace are kept as written.
/// </summary>
internal static class SentencePieceModelFile
{
    // Piece types from sentencepiece_model.proto.
    private const int Normal = 1;
    private const int Unknown = 2;
    private const int Control = 3;
    private const int Byte = 6;

    public static void Write(string path, IReadOnlyList<string> normalPieces, bool byteFallback = false)
    {
        var model = new List<byte>();
        (string Piece, int Type)[] specials = [("<unk>", Unknown), ("<s>", Control), ("</s>", Control)];
        var bytes = byteFallback ? Enumerable.Range(0, 256).Select(b => ($"<0x{b:X2}>", Byte)) : [];
        var pieces = specials.Concat(bytes).Concat(normalPieces.Select(p => (p, Normal))).ToList();
        for (var i = 0; i < pieces.Count; i++)
        {
            var piece = new List<byte>();
            String(piece, 1, pieces[i].Item1);
            // Longer merged pieces get higher scores, so BPE merges build them greedily.
            Float(piece, 2, pieces[i].Item2 == Normal ? -i : 0f);
            Varint(piece, 3, pieces[i].Item2);
            Message(model, 1, piece);
        }
        var trainer = new List<byte>();
        Varint(trainer, 3, 2);   // model_type = BPE
        Varint(trainer, 40, 0);  // unk_id
        Varint(trainer, 41, 1);  // bos_id
        Varint(trainer, 42, 2);  // eos_id
        if (byteFallback)
            Varint(trainer, 35, 1); // byte_fallback
        Message(model, 2, trainer);
        var normalizer = new List<byte>();
        String(normalizer, 1, "identity");
        Varint(normalizer, 3, 1); // add_dummy_prefix
        Varint(normalizer, 4, byteFallback ? 0 : 1); // remove_extra_whitespaces
        Varint(normalizer, 5, 1); // escape_whitespaces
        Message(model, 3, normalizer);
        File.WriteAllBytes(path, [.. model]);
    }

    private static void Tag(List<byte> o, int field, int wire) => Raw(o, (ulong)((field << 3) | wire));

    private static void Raw(List<byte> o, ulong v)
    {
        while (v >= 0x80)
        {
            o.Add((byte)(v | 0x80));
            v >>= 7;
        }
        o.Add((byte)v);
    }

    private static void Varint(List<byte> o, int field, int value)
    {
        Tag(o, field, 0);
        Raw(o, (ulong)value);
    }

    private static void Float(List<byte> o, int field, float value)
    {
        Tag(o, field, 5);
        o.AddRange(BitConverter.GetBytes(value));
    }

    private static void String(List<byte> o, int field, string value) => Message(o, field, [.. System.Text.Encoding.UTF8.GetBytes(value)]);

    private static void Message(List<byte> o, int field, List<byte> body)
    {
        Tag(o, field, 2);
        Raw(o, (ulong)body.Count);
        o.AddRange(body);
    }
}
