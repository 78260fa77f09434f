using RankDistill.Models.Checkpoints;

namespace RankDistill.Models.Bert;

/// <summary>
/// The one table between Hugging Face BERT tensor names (BertForSequenceClassification, BertForMaskedLM) and ours.
/// Our query/key/value are fused: HF's query is rows [0, C), key [C, 2C), value [2C, 3C).
/// </summary>
internal static class BertWeightNames
{
    private const string PositionIds = "bert.embeddings.position_ids";

    private static readonly string[] _maskedLmHead =
    [
        "cls.predictions.transform.dense.weight", "cls.predictions.transform.dense.bias", "cls.predictions.transform.LayerNorm.weight",
        "cls.predictions.transform.LayerNorm.bias", "cls.predictions.bias", "cls.predictions.decoder.weight", "cls.predictions.decoder.bias",
    ];

    private static readonly string[] _nextSentenceHead = ["cls.seq_relationship.weight", "cls.seq_relationship.bias"];

    public static WeightMap Ranker(BertConfig c, bool usePooler)
    {
        var bindings = Body(c);
        if (usePooler)
        {
            // Pretrained BERT ships a pooler, so loading bert-base-uncased fills it; it counts as body.
            bindings.Add(new("bert.pooler.dense.weight", "pooler.weight", [c.HiddenSize, c.HiddenSize]));
            bindings.Add(new("bert.pooler.dense.bias", "pooler.bias", [c.HiddenSize]));
        }
        bindings.Add(new("classifier.weight", "classifier.weight", [1, c.HiddenSize], Head: true));
        bindings.Add(new("classifier.bias", "classifier.bias", [1], Head: true));
        // position_ids is a buffer older transformers versions saved; the pre-training heads (cls.*) are for MLM/NSP.
        return new WeightMap(bindings, "bert.", [PositionIds, .. _maskedLmHead, .. _nextSentenceHead], Legacy);
    }

    /// <summary>
    /// BertForMaskedLM: the body and the prediction head. The decoder is the word-embedding table (HF saves no copy of
    /// it); a checkpoint without the head (a classifier, a bare BertModel) loads with a new one.
    /// </summary>
    public static WeightMap MaskedLm(BertConfig c)
    {
        var bindings = Body(c);
        bindings.Add(new("cls.predictions.transform.dense.weight", "transform.weight", [c.HiddenSize, c.HiddenSize], Head: true));
        bindings.Add(new("cls.predictions.transform.dense.bias", "transform.bias", [c.HiddenSize], Head: true));
        bindings.Add(new("cls.predictions.transform.LayerNorm.weight", "transform_norm.weight", [c.HiddenSize], Head: true));
        bindings.Add(new("cls.predictions.transform.LayerNorm.bias", "transform_norm.bias", [c.HiddenSize], Head: true));
        bindings.Add(new("cls.predictions.bias", "decoder_bias", [c.VocabSize], Head: true));
        // Tied copies of the embedding table and the bias; what other BERT tasks add (pooler, next-sentence and ranking heads).
        string[] ignored = [PositionIds, "cls.predictions.decoder.weight", "cls.predictions.decoder.bias",
            "bert.pooler.dense.weight", "bert.pooler.dense.bias", "classifier.weight", "classifier.bias", .. _nextSentenceHead];
        return new WeightMap(bindings, "bert.", ignored, Legacy);
    }

    /// <summary>Embeddings and encoder layers, shared by every BERT model.</summary>
    private static List<WeightBinding> Body(BertConfig c)
    {
        var bindings = new List<WeightBinding>
        {
            new("bert.embeddings.word_embeddings.weight", "embeddings.word.weight", [c.VocabSize, c.HiddenSize]),
            new("bert.embeddings.position_embeddings.weight", "embeddings.position.weight", [c.MaxPositionEmbeddings, c.HiddenSize]),
            new("bert.embeddings.token_type_embeddings.weight", "embeddings.token_type.weight", [c.TypeVocabSize, c.HiddenSize]),
            new("bert.embeddings.LayerNorm.weight", "embeddings.norm.weight", [c.HiddenSize]),
            new("bert.embeddings.LayerNorm.bias", "embeddings.norm.bias", [c.HiddenSize]),
        };
        var (d, f) = ((long)c.HiddenSize, (long)c.IntermediateSize);
        for (var i = 0; i < c.NumHiddenLayers; i++)
        {
            var (hf, our) = ($"bert.encoder.layer.{i}.", $"encoder.layers.{i}.");
            // A linear's weight is [out, in], its bias [out]; a layer norm's weight and bias are both [d].
            foreach (var (kind, isWeight) in new[] { ("weight", true), ("bias", false) })
            {
                long[] Linear(long outFeatures, long inFeatures) => isWeight ? [outFeatures, inFeatures] : [outFeatures];
                bindings.Add(new($"{hf}attention.self.query.{kind}", $"{our}attn.qkv.{kind}", Linear(d, d), 0, d));
                bindings.Add(new($"{hf}attention.self.key.{kind}", $"{our}attn.qkv.{kind}", Linear(d, d), d, d));
                bindings.Add(new($"{hf}attention.self.value.{kind}", $"{our}attn.qkv.{kind}", Linear(d, d), 2 * d, d));
                bindings.Add(new($"{hf}attention.output.dense.{kind}", $"{our}attn.proj.{kind}", Linear(d, d)));
                bindings.Add(new($"{hf}attention.output.LayerNorm.{kind}", $"{our}attn_norm.{kind}", [d]));
                bindings.Add(new($"{hf}intermediate.dense.{kind}", $"{our}ffn_in.{kind}", Linear(f, d)));
                bindings.Add(new($"{hf}output.dense.{kind}", $"{our}ffn_out.{kind}", Linear(d, f)));
                bindings.Add(new($"{hf}output.LayerNorm.{kind}", $"{our}ffn_norm.{kind}", [d]));
            }
        }
        return bindings;
    }

    /// <summary>TF-era checkpoints call LayerNorm's weight and bias gamma and beta; HF renames them on load too.</summary>
    private static string Legacy(string name) =>
        name.EndsWith(".gamma", StringComparison.Ordinal) ? name[..^6] + ".weight"
        : name.EndsWith(".beta", StringComparison.Ordinal) ? name[..^5] + ".bias"
        : name;
}
