namespace Paas.Core.Errors;

/// <summary>Collects field errors so that a client hears about every bad field at once.</summary>
public sealed class FieldErrorList
{
    private readonly List<FieldError> _errors = [];

    public bool HasErrors => _errors.Count > 0;
    public IReadOnlyList<FieldError> Errors => _errors;

    public void Add(string field, string message) => _errors.Add(new FieldError(field, message));

    public void AddRange(IEnumerable<FieldError> errors) => _errors.AddRange(errors);

    public void ThrowIfAny()
    {
        if (HasErrors)
        {
            throw PaasException.Validation(_errors);
        }
    }
}
