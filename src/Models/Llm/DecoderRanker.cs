using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace RankDistill.Models.Llm;

/// <summary>
/// The decoder as a ranker (SFT): because attention is causal, only the last token (the appended
/// end token) has read the whole query and document; its final hidden state goes through one linear
/// layer to the score. The last token is found from the mask, so padding may sit on either side.
/// With <see cref="DecoderPooling.Mean"/> the score reads the mean of the real tokens' final hidden states instead
/// (padding, on either side, left out by the mask).
/// </summary>
public sealed class DecoderRanker : nn.Module<Tensor, Tensor, Tensor>, IRanker
{
    [ComponentName(Name = "model")]
    private readonly DecoderModel _model;
    [ComponentName(Name = "score")]
    private readonly Linear _score;

    public DecoderRanker(DecoderConfig config, DecoderPooling pooling = DecoderPooling.LastToken) : base(nameof(DecoderRanker))
    {
        _model = new DecoderModel(config);
        Pooling = pooling;
        // With a bias (s = wᵀh + b, as the method states); HF's Qwen2ForSequenceClassification has none, and
        // a checkpoint without score.bias loads with the bias at zero, which is what it means.
        _score = nn.Linear(config.HiddenSize, 1, hasBias: true);
        using (no_grad())
        {
            // As HF starts a new head: N(0, initializer_range 0.02²) weights, zero bias.
            nn.init.normal_(_score.weight!, 0, 0.02);
            nn.init.zeros_(_score.bias!);
        }
        RegisterComponents();
    }

    public DecoderConfig Config => _model.Config;

    public DecoderModel Body => _model;

    public DecoderPooling Pooling { get; }

    /// <returns>(B) float32 scores.</returns>
    public override Tensor forward(Tensor inputIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var h = _model.forward(inputIds, attentionMask);                                   // (B, T, C)
        if (Pooling == DecoderPooling.Mean)
        {
            var real = attentionMask.unsqueeze(-1).to(h.dtype);                             // (B, T, 1)
            var mean = (h * real).sum(1) / real.sum(1).clamp_min(1);                        // (B, C)
            return _score.forward(mean).squeeze(-1).MoveToOuterDisposeScope();             // (B)
        }
        var positions = arange(attentionMask.shape[1], int64, attentionMask.device);        // (T)
        var last = (attentionMask * positions).amax([1]);                                  // (B): index of each row's last token
        var idx = last.view(-1, 1, 1).expand(-1, 1, h.shape[2]);                            // (B, 1, C)
        var final = h.gather(1, idx).squeeze(1);                                           // (B, C)
        return _score.forward(final).squeeze(-1).MoveToOuterDisposeScope();                // (B)
    }

    public Tensor Score(TokenBatch batch) => forward(batch.InputIds, batch.AttentionMask);
}
