import {
  ClearCustomEnvVarOverrideDocument,
  ConnectionDocument,
  ConnectionsDocument,
  CreateConnectionDocument,
  CreateCustomEnvVarDocument,
  CreateRepositoryDocument,
  CustomEnvVarDocument,
  DeleteConnectionDocument,
  DeleteCustomEnvVarDocument,
  DeleteDataPlatformConfigDocument,
  DeleteEnvironmentCredentialsDocument,
  DeleteRepositoryDocument,
  DeleteSemanticLayerConfigDocument,
  DevelopSessionDocument,
  EndDevelopSessionDocument,
  EnvironmentCredentialsDocument,
  ProjectConnectionDocument,
  ProjectCustomEnvVarsDocument,
  ProjectDataPlatformConfigDocument,
  ProjectDevelopSessionsDocument,
  ProjectRepositoriesDocument,
  ProjectRepositoryDocument,
  ProjectSemanticLayerConfigDocument,
  RegenerateDeployKeyDocument,
  RepositoryDocument,
  SemanticLayerConfigDocument,
  SemanticLayerEnvironmentDocument,
  SetCustomEnvVarOverrideDocument,
  SetDataPlatformConfigDocument,
  SetEnvironmentCredentialsDocument,
  SetSemanticLayerConfigDocument,
  StartDevelopSessionDocument,
  UpdateConnectionDocument,
  UpdateCustomEnvVarDocument,
  UpdateProjectSettingsDocument,
  UpdateRepositoryDocument,
} from '../../../src/client/index.js';
import { required } from '../../support/builders.js';
import {
  type EnvironmentLocation,
  type Fixture,
  type Location,
  type Operation,
  read,
  write,
} from '../framework.js';

// Set-up the admin does before the case's token acts, so that each operation has its object.

async function adminConnection(f: Fixture): Promise<string> {
  const response = await f.admin.request(CreateConnectionDocument, {
    input: {
      name: `throwaway ${f.unique()}`,
      adapterType: 'postgres',
      host: 'db.example.com',
      port: 5432,
    },
  });
  return required(response, 'createConnection').createConnection!.id;
}

async function adminRepository(f: Fixture, at: Location): Promise<string> {
  const response = await f.admin.request(CreateRepositoryDocument, {
    input: {
      projectId: f.projects[at.project],
      gitUrl: `git@github.com:acme/throwaway-${f.unique()}.git`,
    },
  });
  return required(response, 'createRepository').createRepository!.id;
}

async function adminEnvVar(f: Fixture, at: Location): Promise<string> {
  const response = await f.admin.request(CreateCustomEnvVarDocument, {
    input: {
      projectId: f.projects[at.project],
      name: `DBT_THROWAWAY_${f.unique()}`,
      value: 'default',
    },
  });
  return required(response, 'createCustomEnvVar').createCustomEnvVar!.id;
}

async function adminDataPlatformConfig(f: Fixture, at: Location): Promise<void> {
  const response = await f.admin.request(SetDataPlatformConfigDocument, {
    projectId: f.projects[at.project],
    input: { adapterType: 'snowflake', host: 'acme.eu-west-1', warehouse: 'TRANSFORMING' },
  });
  required(response, 'setDataPlatformConfig');
}

async function adminCredentials(f: Fixture, at: EnvironmentLocation): Promise<void> {
  const response = await f.admin.request(SetEnvironmentCredentialsDocument, {
    environmentId: f.environments[at.project][at.category],
    input: { authType: 'password', username: 'dbt', schema: 'analytics', password: 'admin-set' },
  });
  required(response, 'setEnvironmentCredentials');
}

async function adminSemanticLayer(f: Fixture, at: Location): Promise<void> {
  const response = await f.admin.request(SetSemanticLayerConfigDocument, {
    projectId: f.projects[at.project],
    input: { enabled: true, environmentId: f.environments[at.project].production },
  });
  required(response, 'setSemanticLayerConfig');
}

async function adminDevelopSession(f: Fixture, at: Location): Promise<string> {
  const response = await f.admin.request(StartDevelopSessionDocument, {
    projectId: f.projects[at.project],
    input: {
      environmentId: f.environments[at.project].development,
      branch: `feature/${f.unique()}`,
    },
  });
  return required(response, 'startDevelopSession').startDevelopSession!.id;
}

export const dataPlatformOperations: Operation[] = [
  // Connections (account-level)
  {
    name: 'connections',
    where: 'account',
    requires: [read('connections')],
    run: (f) => f.token.request(ConnectionsDocument, {}),
  },
  {
    name: 'connection',
    where: 'account',
    requires: [read('connections')],
    run: async (f) => f.token.request(ConnectionDocument, { id: await adminConnection(f) }),
  },
  {
    name: 'createConnection',
    where: 'account',
    requires: [write('connections')],
    run: (f) =>
      f.token.request(CreateConnectionDocument, {
        input: {
          name: `made ${f.unique()}`,
          adapterType: 'bigquery',
          host: 'acme-analytics',
          privateKey: '{"type":"service_account"}',
        },
      }),
  },
  {
    name: 'updateConnection',
    where: 'account',
    requires: [write('connections')],
    run: async (f) =>
      f.token.request(UpdateConnectionDocument, {
        id: await adminConnection(f),
        input: { database: 'analytics' },
      }),
  },
  {
    name: 'deleteConnection',
    where: 'account',
    requires: [write('connections')],
    run: async (f) => f.token.request(DeleteConnectionDocument, { id: await adminConnection(f) }),
  },
  // Project settings
  {
    name: 'updateProjectSettings',
    where: 'project',
    requires: [write('projects')],
    run: async (f, at) =>
      f.token.request(UpdateProjectSettingsDocument, {
        id: f.projects[at.project],
        input: {
          connectionId: await adminConnection(f),
          repositoryId: await adminRepository(f, at),
          dbtProjectSubdirectory: 'dbt',
        },
      }),
  },
  {
    name: 'project.connection',
    where: 'project',
    requires: [read('projects'), read('connections')],
    run: async (f, at) => {
      const linked = await f.admin.request(UpdateProjectSettingsDocument, {
        id: f.projects[at.project],
        input: { connectionId: await adminConnection(f) },
      });
      required(linked, 'updateProjectSettings');
      return f.token.request(ProjectConnectionDocument, { id: f.projects[at.project] });
    },
  },
  {
    name: 'project.repository',
    where: 'project',
    requires: [read('projects'), read('repositories')],
    run: (f, at) => f.token.request(ProjectRepositoryDocument, { id: f.projects[at.project] }),
  },
  // Repositories
  {
    name: 'repository',
    where: 'project',
    requires: [read('repositories')],
    run: async (f, at) => f.token.request(RepositoryDocument, { id: await adminRepository(f, at) }),
  },
  {
    name: 'project.repositories',
    where: 'project',
    requires: [read('projects'), read('repositories')],
    run: (f, at) =>
      f.token.request(ProjectRepositoriesDocument, { projectId: f.projects[at.project] }),
  },
  {
    name: 'createRepository',
    where: 'project',
    requires: [write('repositories')],
    run: (f, at) =>
      f.token.request(CreateRepositoryDocument, {
        input: {
          projectId: f.projects[at.project],
          gitUrl: `https://github.com/acme/made-${f.unique()}.git`,
          cloneStrategy: 'github_app',
        },
      }),
  },
  {
    name: 'updateRepository',
    where: 'project',
    requires: [write('repositories')],
    run: async (f, at) =>
      f.token.request(UpdateRepositoryDocument, {
        id: await adminRepository(f, at),
        input: { defaultBranch: 'develop' },
      }),
  },
  {
    name: 'regenerateDeployKey',
    where: 'project',
    requires: [write('repositories')],
    run: async (f, at) =>
      f.token.request(RegenerateDeployKeyDocument, { id: await adminRepository(f, at) }),
  },
  {
    name: 'deleteRepository',
    where: 'project',
    requires: [write('repositories')],
    run: async (f, at) =>
      f.token.request(DeleteRepositoryDocument, { id: await adminRepository(f, at) }),
  },
  // Data platform configurations
  {
    name: 'project.dataPlatformConfig',
    where: 'project',
    requires: [read('projects'), read('data_platform_configs')],
    run: (f, at) =>
      f.token.request(ProjectDataPlatformConfigDocument, { projectId: f.projects[at.project] }),
  },
  {
    name: 'setDataPlatformConfig',
    where: 'project',
    requires: [write('data_platform_configs')],
    run: (f, at) =>
      f.token.request(SetDataPlatformConfigDocument, {
        projectId: f.projects[at.project],
        input: { adapterType: 'databricks', host: 'dbc-1234.cloud.databricks.com', threads: 8 },
      }),
  },
  {
    name: 'deleteDataPlatformConfig',
    where: 'project',
    requires: [write('data_platform_configs')],
    run: async (f, at) => {
      await adminDataPlatformConfig(f, at);
      return f.token.request(DeleteDataPlatformConfigDocument, {
        projectId: f.projects[at.project],
      });
    },
  },
  // Environment credentials
  {
    name: 'environment.credentials',
    where: 'environment',
    requires: [read('environments'), read('environment_credentials')],
    run: (f, at) =>
      f.token.request(EnvironmentCredentialsDocument, {
        environmentId: f.environments[at.project][at.category],
      }),
  },
  {
    name: 'setEnvironmentCredentials',
    where: 'environment',
    requires: [write('environment_credentials')],
    run: (f, at) =>
      f.token.request(SetEnvironmentCredentialsDocument, {
        environmentId: f.environments[at.project][at.category],
        input: { authType: 'oauth', schema: `dbt_${f.unique()}` },
      }),
  },
  {
    name: 'deleteEnvironmentCredentials',
    where: 'environment',
    requires: [write('environment_credentials')],
    run: async (f, at) => {
      await adminCredentials(f, at);
      return f.token.request(DeleteEnvironmentCredentialsDocument, {
        environmentId: f.environments[at.project][at.category],
      });
    },
  },
  // Environment variables
  {
    name: 'customEnvVar',
    where: 'project',
    requires: [read('custom_env_vars')],
    run: async (f, at) => f.token.request(CustomEnvVarDocument, { id: await adminEnvVar(f, at) }),
  },
  {
    name: 'project.customEnvVars',
    where: 'project',
    requires: [read('projects'), read('custom_env_vars')],
    run: (f, at) =>
      f.token.request(ProjectCustomEnvVarsDocument, { projectId: f.projects[at.project] }),
  },
  {
    name: 'createCustomEnvVar',
    where: 'project',
    requires: [write('custom_env_vars')],
    run: (f, at) =>
      f.token.request(CreateCustomEnvVarDocument, {
        input: {
          projectId: f.projects[at.project],
          name: `DBT_ENV_SECRET_MADE_${f.unique()}`,
          value: 's',
        },
      }),
  },
  {
    name: 'updateCustomEnvVar',
    where: 'project',
    requires: [write('custom_env_vars')],
    run: async (f, at) =>
      f.token.request(UpdateCustomEnvVarDocument, {
        id: await adminEnvVar(f, at),
        value: 'changed',
      }),
  },
  {
    name: 'deleteCustomEnvVar',
    where: 'project',
    requires: [write('custom_env_vars')],
    run: async (f, at) =>
      f.token.request(DeleteCustomEnvVarDocument, { id: await adminEnvVar(f, at) }),
  },
  {
    name: 'setCustomEnvVarOverride',
    where: 'environment',
    requires: [write('custom_env_vars')],
    run: async (f, at) =>
      f.token.request(SetCustomEnvVarOverrideDocument, {
        id: await adminEnvVar(f, at),
        environmentId: f.environments[at.project][at.category],
        value: 'override',
      }),
  },
  {
    name: 'clearCustomEnvVarOverride',
    where: 'environment',
    requires: [write('custom_env_vars')],
    run: async (f, at) => {
      const id = await adminEnvVar(f, at);
      const environmentId = f.environments[at.project][at.category];
      required(
        await f.admin.request(SetCustomEnvVarOverrideDocument, { id, environmentId, value: 'x' }),
        'setCustomEnvVarOverride',
      );
      return f.token.request(ClearCustomEnvVarOverrideDocument, { id, environmentId });
    },
  },
  // Semantic layer
  {
    name: 'semanticLayerConfig',
    where: 'project',
    requires: [read('semantic_layer_config')],
    run: (f, at) =>
      f.token.request(SemanticLayerConfigDocument, { projectId: f.projects[at.project] }),
  },
  {
    name: 'project.semanticLayerConfig',
    where: 'project',
    requires: [read('projects'), read('semantic_layer_config')],
    run: (f, at) =>
      f.token.request(ProjectSemanticLayerConfigDocument, { projectId: f.projects[at.project] }),
  },
  {
    name: 'semanticLayerConfig.environment',
    where: 'project',
    requires: [read('semantic_layer_config'), read('environments')],
    run: async (f, at) => {
      await adminSemanticLayer(f, at);
      return f.token.request(SemanticLayerEnvironmentDocument, {
        projectId: f.projects[at.project],
      });
    },
  },
  {
    name: 'setSemanticLayerConfig',
    where: 'project',
    requires: [write('semantic_layer_config')],
    run: (f, at) =>
      f.token.request(SetSemanticLayerConfigDocument, {
        projectId: f.projects[at.project],
        input: {
          enabled: true,
          environmentId: f.environments[at.project].staging,
          username: 'sl',
          password: 'pw',
        },
      }),
  },
  {
    name: 'deleteSemanticLayerConfig',
    where: 'project',
    requires: [write('semantic_layer_config')],
    run: async (f, at) => {
      await adminSemanticLayer(f, at);
      return f.token.request(DeleteSemanticLayerConfigDocument, {
        projectId: f.projects[at.project],
      });
    },
  },
  // Develop
  {
    name: 'developSession',
    where: 'project',
    requires: [read('develop')],
    run: async (f, at) =>
      f.token.request(DevelopSessionDocument, { id: await adminDevelopSession(f, at) }),
  },
  {
    name: 'project.developSessions',
    where: 'project',
    requires: [read('projects'), read('develop')],
    run: (f, at) =>
      f.token.request(ProjectDevelopSessionsDocument, { projectId: f.projects[at.project] }),
  },
  {
    name: 'startDevelopSession',
    where: 'project',
    requires: [write('develop')],
    run: (f, at) =>
      f.token.request(StartDevelopSessionDocument, {
        projectId: f.projects[at.project],
        input: {
          environmentId: f.environments[at.project].development,
          branch: `dev/${f.unique()}`,
        },
      }),
  },
  {
    name: 'endDevelopSession',
    where: 'project',
    requires: [write('develop')],
    run: async (f, at) =>
      f.token.request(EndDevelopSessionDocument, { id: await adminDevelopSession(f, at) }),
  },
];
