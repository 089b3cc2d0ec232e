import { Empty } from '../components/feedback.js';
import { Link } from '../router.js';

export function NotFound() {
  return (
    <Empty title="There is no such page">
      <Link to="/">Go to the start page</Link>
    </Empty>
  );
}

/** A screen the signed-in token may not open, with the permission it would need. */
export function NotPermitted({ permission }: { permission: string }) {
  return (
    <div className="notice notice-error" role="alert">
      <strong>Not permitted</strong>
      <p>
        This token cannot open this page. Missing permission:{' '}
        <code className="permission">{permission}</code>
      </p>
    </div>
  );
}
