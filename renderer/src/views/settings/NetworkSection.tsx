import { useState } from 'react';
import type { SettingsPatch, SettingsSnapshot } from '../../../../main/contract';
import { MANAGED_WORDS, Radios, TextField } from '../../components/fields';
import { cleanPath } from '../../state/mailbox-form';
import { ErrorSummary, errorFor } from '../../components/ErrorSummary';
import type { FieldError } from '../../state/compose-form';
import { useSettingsStore } from '../../state/settings-store';

type ProxyMode = 'system' | 'manual' | 'none';

export interface ProxyForm {
  mode: ProxyMode;
  url: string;
  username: string;
  password: string;
  noProxy: string;
}

/** Checks the proxy fields. */
export function validateProxy(form: ProxyForm): FieldError[] {
  if (form.mode !== 'manual') return [];
  const url = form.url.trim();
  if (!url) return [{ field: 'proxy-url', message: 'Enter the proxy address, such as http://proxy.example.nhs.uk:8080' }];
  if (!/^https?:\/\/[^\s/:]+(:\d+)?\/?$/i.test(url))
    return [{ field: 'proxy-url', message: 'Enter the proxy address as http:// or https://, the server name and the port' }];
  return [];
}

/** The proxy part of a settings change; the password only when a new one was typed. */
export function proxyPatch(form: ProxyForm): NonNullable<SettingsPatch['proxy']> {
  if (form.mode !== 'manual') return { mode: form.mode };
  const proxy: NonNullable<SettingsPatch['proxy']> = { mode: 'manual', url: form.url.trim() };
  if (form.username.trim()) proxy.username = form.username.trim();
  if (form.password) proxy.password = form.password;
  if (form.noProxy.trim()) proxy.noProxy = form.noProxy.trim();
  return proxy;
}

const MAX_CA_FILES = 20;

/** The paths typed in the box, one a line, quotes and blank lines removed. */
export function parseCaFiles(text: string): string[] {
  return text.split(/\r?\n/).map(cleanPath).filter(Boolean);
}

/** Extra certificate authorities to trust (for networks that inspect HTTPS); IT may lock them. */
function CaFiles({ snapshot }: { snapshot: SettingsSnapshot }) {
  const save = useSettingsStore((s) => s.save);
  const managed = snapshot.managed.extraCaFiles;
  const [text, setText] = useState(snapshot.extraCaFiles.join('\n'));
  const [status, setStatus] = useState<{ ok: boolean; text: string }>();
  const [saving, setSaving] = useState(false);
  const id = 'settings-extra-ca';
  return (
    <form
      noValidate
      onSubmit={async (event) => {
        event.preventDefault();
        const files = parseCaFiles(text);
        if (files.length > MAX_CA_FILES) {
          setStatus({ ok: false, text: `List at most ${MAX_CA_FILES} files.` });
          return;
        }
        setSaving(true);
        setStatus(undefined);
        const result = await save({ extraCaFiles: files });
        setSaving(false);
        setStatus(result.ok ? { ok: true, text: 'Certificate authorities saved.' } : { ok: false, text: result.message });
      }}
    >
      <div className="nhsuk-form-group">
        <label className="nhsuk-label" htmlFor={id}>
          Extra certificate authorities to trust (optional)
        </label>
        <div className="nhsuk-hint" id={`${id}-hint`}>
          Only if your IT department asks: the location of each certificate authority file, one on each line. Needed where the network
          checks secure connections.
        </div>
        {managed && (
          <div className="nhsuk-hint app-managed" id={`${id}-managed`}>
            <strong className="nhsuk-tag nhsuk-tag--grey">Managed</strong> {MANAGED_WORDS}
          </div>
        )}
        <textarea
          className="nhsuk-textarea app-code"
          id={id}
          name={id}
          rows={3}
          spellCheck={false}
          disabled={managed}
          aria-describedby={managed ? `${id}-hint ${id}-managed` : `${id}-hint`}
          value={text}
          onChange={(event) => setText(event.target.value)}
        />
      </div>
      {!managed && (
        <button type="submit" className="nhsuk-button nhsuk-button--secondary" disabled={saving}>
          {saving ? 'Saving…' : 'Save certificate authorities'}
        </button>
      )}
      {status && (
        <p className={status.ok ? 'nhsuk-body-s' : 'nhsuk-error-message'} role={status.ok ? 'status' : 'alert'}>
          {status.text}
        </p>
      )}
    </form>
  );
}

/** Settings → Network: how MESH Desktop reaches MESH through the organisation's proxy. */
export function NetworkSection({ snapshot }: { snapshot: SettingsSnapshot }) {
  const save = useSettingsStore((s) => s.save);
  const managed = snapshot.managed.proxy;
  const [form, setForm] = useState<ProxyForm>({
    mode: snapshot.proxy.mode,
    url: snapshot.proxy.url ?? '',
    username: snapshot.proxy.username ?? '',
    password: '',
    noProxy: snapshot.proxy.noProxy ?? '',
  });
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [attempts, setAttempts] = useState(0);
  const [status, setStatus] = useState<{ ok: boolean; text: string }>();
  const [saving, setSaving] = useState(false);
  const update = (patch: Partial<ProxyForm>) => {
    const next = { ...form, ...patch };
    setForm(next);
    if (errors.length) setErrors(validateProxy(next));
  };
  const submit = async () => {
    const found = validateProxy(form);
    setErrors(found);
    setStatus(undefined);
    if (found.length) {
      setAttempts((n) => n + 1);
      return;
    }
    setSaving(true);
    const result = await save({ proxy: proxyPatch(form) });
    setSaving(false);
    setStatus(result.ok ? { ok: true, text: 'Network settings saved.' } : { ok: false, text: result.message });
    if (result.ok) setForm((current) => ({ ...current, password: '' }));
  };
  return (
    <section aria-labelledby="settings-network">
      <h2 id="settings-network">Network</h2>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <ErrorSummary errors={errors} focusKey={attempts} />
        <Radios<ProxyMode>
          id="proxy-mode"
          label="How does this computer reach the internet or HSCN?"
          hint="If you are not sure, leave this as it is or ask your IT service desk."
          managed={managed}
          value={form.mode}
          onChange={(mode) => update({ mode })}
          options={[
            {
              value: 'system',
              label: 'The same way as the web browser',
              hint: 'Uses the proxy set up for Windows. Right for most NHS computers.',
            },
            { value: 'manual', label: 'Through a proxy I enter' },
            { value: 'none', label: 'Directly, with no proxy' },
          ]}
          reveal={{
            manual: (
              <>
                <TextField
                  id="proxy-url"
                  label="Proxy address"
                  hint="For example http://proxy.example.nhs.uk:8080"
                  width="full"
                  code
                  managed={managed}
                  value={form.url}
                  error={errorFor(errors, 'proxy-url')}
                  onChange={(url) => update({ url })}
                />
                <TextField
                  id="proxy-username"
                  label="Proxy user name (if it needs one)"
                  width={20}
                  managed={managed}
                  value={form.username}
                  onChange={(username) => update({ username })}
                />
                <TextField
                  id="proxy-password"
                  label="Proxy password"
                  hint={snapshot.proxy.hasPassword ? 'Leave empty to keep the saved password.' : undefined}
                  type="password"
                  width={20}
                  managed={managed}
                  value={form.password}
                  onChange={(password) => update({ password })}
                />
                <TextField
                  id="proxy-no-proxy"
                  label="Addresses that skip the proxy (optional)"
                  hint="Separate them with commas."
                  width="full"
                  code
                  managed={managed}
                  value={form.noProxy}
                  onChange={(noProxy) => update({ noProxy })}
                />
              </>
            ),
          }}
        />
        {!managed && (
          <button type="submit" className="nhsuk-button nhsuk-button--secondary" disabled={saving}>
            {saving ? 'Saving…' : 'Save network settings'}
          </button>
        )}
        {status && (
          <p className={status.ok ? 'nhsuk-body-s' : 'nhsuk-error-message'} role={status.ok ? 'status' : 'alert'}>
            {status.text}
          </p>
        )}
      </form>
      <CaFiles snapshot={snapshot} />
    </section>
  );
}
